"""Meldingen and signalen with their persons, and triage

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE, with its CHECK, on both databases: a batch copy of "gemeente" on SQLite would drop the
    # table that wijken, cases and users refer to.
    op.execute('ALTER TABLE gemeente ADD COLUMN structural_attention_threshold INTEGER DEFAULT 3 NOT NULL '
               'CONSTRAINT ck_gemeente_structural_attention_threshold '
               'CHECK (structural_attention_threshold BETWEEN 2 AND 50)')

    op.create_table('melding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('source_organisation_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('triage_status', sa.String(length=20), nullable=False),
    sa.Column('triage_reason', sa.Text(), nullable=False),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.Column('triaged_at', sa.DateTime(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('melding', 'signaal')", name=op.f('ck_melding_kind')),
    sa.CheckConstraint("source IN ('inwoner', 'anoniem', 'politie', 'ggz', 'ggd', 'woningcorporatie', 'veilig_thuis', 'om', 'riec', 'sociaal_team', 'jongerenwerk', 'brandweer', 'halt', 'buurtbemiddeling', 'school', 'gemeente', 'intern_meldpunt', 'other')", name=op.f('ck_melding_source')),
    sa.CheckConstraint("category IN ('woonoverlast', 'verward_gedrag', 'huiselijk_geweld', 'jeugdoverlast', 'ondermijning', 'radicalisering', 'cybercrime', 'other')", name=op.f('ck_melding_category')),
    sa.CheckConstraint("triage_status IN ('nieuw', 'gekoppeld', 'zaak_geopend', 'gesloten')", name=op.f('ck_melding_triage_status')),
    sa.CheckConstraint("(triage_status = 'nieuw') = (triaged_at IS NULL)", name=op.f('ck_melding_triaged_when_not_new')),
    sa.CheckConstraint("triage_status <> 'gesloten' OR triage_reason <> ''", name=op.f('ck_melding_reason_when_closed')),
    sa.CheckConstraint("case_id IS NULL OR triage_status IN ('gekoppeld', 'zaak_geopend')", name=op.f('ck_melding_case_when_linked')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_melding_case_id_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_melding_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_melding_registered_by_id_user')),
    sa.ForeignKeyConstraint(['source_organisation_id'], ['organisation.id'], name=op.f('fk_melding_source_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['user.id'], name=op.f('fk_melding_triaged_by_id_user')),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_melding_wijk_id_wijk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_melding'))
    )
    with op.batch_alter_table('melding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_melding_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_melding_gemeente_category_received', ['gemeente_id', 'category', 'received_on'], unique=False)
        batch_op.create_index('ix_melding_inbox', ['gemeente_id', 'triage_status', 'received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_melding_registered_by_id'), ['registered_by_id'], unique=False)

    op.create_table('melding_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('melding_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('betrokkene', 'melder', 'slachtoffer', 'huisgenoot', 'buurtbewoner', 'minderjarige')", name=op.f('ck_melding_person_role')),
    sa.ForeignKeyConstraint(['melding_id'], ['melding.id'], name=op.f('fk_melding_person_melding_id_melding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_melding_person_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_melding_person')),
    sa.UniqueConstraint('melding_id', 'person_id', 'role', name=op.f('uq_melding_person_melding_id_person_id_role'))
    )
    with op.batch_alter_table('melding_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_melding_person_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('melding_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_melding_person_person_id'))

    op.drop_table('melding_person')
    with op.batch_alter_table('melding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_melding_registered_by_id'))
        batch_op.drop_index('ix_melding_inbox')
        batch_op.drop_index('ix_melding_gemeente_category_received')
        batch_op.drop_index(batch_op.f('ix_melding_case_id'))

    op.drop_table('melding')
    op.drop_column('gemeente', 'structural_attention_threshold')
