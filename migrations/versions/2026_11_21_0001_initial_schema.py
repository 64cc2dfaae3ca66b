"""initial schema: accounts, organisations, cases, persons, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 22:11:50.170435
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gemeente',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('cbs_code', sa.String(length=6), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gemeente')),
    sa.UniqueConstraint('cbs_code', name=op.f('uq_gemeente_cbs_code')),
    sa.UniqueConstraint('name', name=op.f('uq_gemeente_name'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("type IN ('gemeente', 'politie', 'ggz', 'ggd', 'woningcorporatie', 'veilig_thuis', 'om', 'riec', 'sociaal_team', 'jongerenwerk', 'brandweer', 'halt', 'buurtbemiddeling', 'other')", name=op.f('ck_organisation_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('tussenvoegsel', sa.String(length=20), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('bsn', sa.String(length=9), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('bsn IS NULL OR length(bsn) = 9', name=op.f('ck_person_bsn_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('bsn', name=op.f('uq_person_bsn'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_dob', ['last_name', 'date_of_birth'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('coordinator', 'partner', 'analyst', 'admin')", name=op.f('ck_user_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_user_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('wijk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_wijk_gemeente_id_gemeente')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijk')),
    sa.UniqueConstraint('gemeente_id', 'name', name=op.f('uq_wijk_gemeente_id_name'))
    )
    with op.batch_alter_table('wijk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijk_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('record_type', sa.String(length=30), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('client_address', sa.String(length=45), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_audit_entry_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_case_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_entry_person_at', ['person_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_entry_user_at', ['user_id', 'at'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('risk_level', sa.String(length=10), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("risk_level IN ('laag', 'midden', 'hoog', 'acuut')", name=op.f('ck_case_risk_level')),
    sa.CheckConstraint("status IN ('aangemeld', 'onderzoek', 'plan_van_aanpak', 'uitvoering', 'monitoring', 'afgesloten')", name=op.f('ck_case_status')),
    sa.CheckConstraint("type IN ('woonoverlast', 'verward_gedrag', 'huiselijk_geweld', 'ondermijning', 'jeugdoverlast', 'radicalisering', 'other')", name=op.f('ck_case_type')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['user.id'], name=op.f('fk_case_coordinator_id_user')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_case_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_case_wijk_id_wijk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_index('ix_case_gemeente_status_opened', ['gemeente_id', 'status', 'opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_wijk_id'), ['wijk_id'], unique=False)

    op.create_table('user_gemeente',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_user_gemeente_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_gemeente_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'gemeente_id', name=op.f('pk_user_gemeente'))
    )
    with op.batch_alter_table('user_gemeente', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_gemeente_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('case_leefgebied',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('leefgebied', sa.String(length=30), nullable=False),
    sa.CheckConstraint("leefgebied IN ('schulden', 'dakloosheid', 'verslaving', 'psychische_problematiek', 'huiselijke_situatie', 'school_werk', 'justitie')", name=op.f('ck_case_leefgebied_leefgebied')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_leefgebied_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'leefgebied', name=op.f('pk_case_leefgebied'))
    )
    op.create_table('case_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user.id'], name=op.f('fk_case_partner_assigned_by_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_partner_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_case_partner_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_partner')),
    sa.UniqueConstraint('case_id', 'organisation_id', name=op.f('uq_case_partner_case_id_organisation_id'))
    )
    with op.batch_alter_table('case_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_partner_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('case_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('betrokkene', 'melder', 'slachtoffer', 'huisgenoot', 'buurtbewoner', 'minderjarige')", name=op.f('ck_case_person_role')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_person_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_case_person_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_person')),
    sa.UniqueConstraint('case_id', 'person_id', 'role', name=op.f('uq_case_person_case_id_person_id_role'))
    )
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_person_person_id'), ['person_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("visibility IN ('partners', 'zorgpartners', 'intern')", name=op.f('ck_note_visibility')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_note_author_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_note_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_note_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index('ix_note_case_created', ['case_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index('ix_note_case_created')

    op.drop_table('note')
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_person_person_id'))

    op.drop_table('case_person')
    with op.batch_alter_table('case_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_partner_organisation_id'))

    op.drop_table('case_partner')
    op.drop_table('case_leefgebied')
    with op.batch_alter_table('user_gemeente', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_gemeente_gemeente_id'))

    op.drop_table('user_gemeente')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_wijk_id'))
        batch_op.drop_index('ix_case_gemeente_status_opened')
        batch_op.drop_index(batch_op.f('ix_case_coordinator_id'))

    op.drop_table('case')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_user_at')
        batch_op.drop_index('ix_audit_entry_person_at')
        batch_op.drop_index('ix_audit_entry_case_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('wijk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wijk_gemeente_id'))

    op.drop_table('wijk')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organisation_id'))

    op.drop_table('user')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_dob')

    op.drop_table('person')
    op.drop_table('organisation')
    op.drop_table('gemeente')
