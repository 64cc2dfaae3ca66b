"""Workflow: interventions, status history, deadlines, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 22:35:22.512020
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at', 'created_at'], unique=False)

    op.create_table('intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('premises_address', sa.String(length=200), nullable=False),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('kvk_number', sa.String(length=8), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('veilig_thuis_consulted_at', sa.DateTime(), nullable=True),
    sa.Column('appeal_at', sa.DateTime(), nullable=True),
    sa.Column('report_received_on', sa.Date(), nullable=True),
    sa.Column('measures_until', sa.Date(), nullable=True),
    sa.Column('zienswijze_deadline', sa.Date(), nullable=True),
    sa.Column('zienswijze_received_on', sa.Date(), nullable=True),
    sa.Column('objection_received_on', sa.Date(), nullable=True),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.Column('home_ban', sa.Boolean(), nullable=False),
    sa.Column('compliance_until', sa.Date(), nullable=True),
    sa.Column('enforcement', sa.String(length=20), nullable=False),
    sa.Column('advice_requested_on', sa.Date(), nullable=True),
    sa.Column('conclusion', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('suspended_since', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("type <> 'huisverbod' OR person_id IS NOT NULL", name=op.f('ck_intervention_huisverbod_person')),
    sa.CheckConstraint("type IN ('huisverbod', 'gedragsaanwijzing', 'gebiedsverbod', 'groepsverbod', 'meldplicht', 'sluiting_13b', 'sluiting_174a', 'waarschuwing', 'bibob', 'gesprek', 'buurtbemiddeling', 'zorgtraject', 'woonbegeleiding', 'huurovereenkomst_ontbinding', 'melding_wvggz')", name=op.f('ck_intervention_type')),
    sa.CheckConstraint("type NOT IN ('gebiedsverbod', 'groepsverbod', 'meldplicht') OR extension_count <= 3", name=op.f('ck_intervention_extensions_172a')),
    sa.CheckConstraint("type NOT IN ('gesprek', 'buurtbemiddeling', 'zorgtraject', 'woonbegeleiding', 'huurovereenkomst_ontbinding', 'melding_wvggz') OR owner_organisation_id IS NOT NULL", name=op.f('ck_intervention_step_owner')),
    sa.CheckConstraint("type NOT IN ('sluiting_13b', 'sluiting_174a', 'bibob') OR person_id IS NULL", name=op.f('ck_intervention_premises_no_person')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_intervention_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_intervention_created_by_id_user')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_intervention_owner_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_intervention_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention'))
    )
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.create_index('ix_intervention_case_type', ['case_id', 'type'], unique=False)
        batch_op.create_index(batch_op.f('ix_intervention_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_intervention_person_id'), ['person_id'], unique=False)

    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('lapses', sa.Boolean(), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('shift_days', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('termijn', 'taak')", name=op.f('ck_deadline_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_deadline_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_deadline_intervention_id_intervention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_deadline_owner_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline'))
    )
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_open_due', ['closed_at', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index('ix_deadline_subject', ['case_id', 'intervention_id', 'key'], unique=False)

    op.create_table('status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=True),
    sa.Column('transition', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=True),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_status_change_actor_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_status_change_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_status_change_intervention_id_intervention'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_change'))
    )
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.create_index('ix_status_change_case_at', ['case_id', 'intervention_id', 'at'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('suspended_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))

    # Cases closed before results were recorded get one, so the new CHECK holds (none exist in production).
    op.execute("UPDATE \"case\" SET result = 'opgelost' WHERE status = 'afgesloten'")
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_case_result'), "result IN ('opgelost', 'overgedragen', 'geen_grond', 'verhuisd', 'gestopt')")
        batch_op.create_check_constraint(op.f('ck_case_result_when_closed'), "(status = 'afgesloten') = (result IS NOT NULL)")

    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.add_column(sa.Column('apv_151d', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.drop_column('apv_151d')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_result_when_closed'), type_='check')
        batch_op.drop_constraint(op.f('ck_case_result'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('suspended_since')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('result')

    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_index('ix_status_change_case_at')

    op.drop_table('status_change')
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_subject')
        batch_op.drop_index(batch_op.f('ix_deadline_owner_organisation_id'))
        batch_op.drop_index('ix_deadline_open_due')

    op.drop_table('deadline')
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intervention_person_id'))
        batch_op.drop_index(batch_op.f('ix_intervention_owner_organisation_id'))
        batch_op.drop_index('ix_intervention_case_type')

    op.drop_table('intervention')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')

    op.drop_table('notification')
