"""Plan van aanpak (goals, actions) and case conferences

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('established_at', sa.DateTime(), nullable=True),
    sa.Column('established_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('casusoverleg', 'zorg_veiligheidstafel', 'lokale_kamer')", name=op.f('ck_conference_kind')),
    sa.CheckConstraint("status IN ('gepland', 'vastgesteld')", name=op.f('ck_conference_status')),
    sa.CheckConstraint("(status = 'vastgesteld') = (established_at IS NOT NULL)", name=op.f('ck_conference_established_when_vastgesteld')),
    sa.ForeignKeyConstraint(['chair_id'], ['user.id'], name=op.f('fk_conference_chair_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_conference_created_by_id_user')),
    sa.ForeignKeyConstraint(['established_by_id'], ['user.id'], name=op.f('fk_conference_established_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference'))
    )
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_starts_at'), ['starts_at'], unique=False)

    op.create_table('conference_gemeente',
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_gemeente_conference_id_conference'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_conference_gemeente_gemeente_id_gemeente')),
    sa.PrimaryKeyConstraint('conference_id', 'gemeente_id', name=op.f('pk_conference_gemeente'))
    )
    with op.batch_alter_table('conference_gemeente', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_gemeente_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('conference_organisation',
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_organisation_conference_id_conference'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_conference_organisation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('conference_id', 'organisation_id', name=op.f('pk_conference_organisation'))
    )
    with op.batch_alter_table('conference_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_organisation_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('conference_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_conference_item_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_item_conference_id_conference'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_conference_item_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_item')),
    sa.UniqueConstraint('conference_id', 'case_id', name=op.f('uq_conference_item_conference_id_case_id'))
    )
    with op.batch_alter_table('conference_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_item_case_id'), ['case_id'], unique=False)

    op.create_table('conference_item_organisation',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['conference_item.id'], name=op.f('fk_conference_item_organisation_item_id_conference_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_conference_item_organisation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('item_id', 'organisation_id', name=op.f('pk_conference_item_organisation'))
    )
    with op.batch_alter_table('conference_item_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_item_organisation_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('conference_item_user',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['conference_item.id'], name=op.f('fk_conference_item_user_item_id_conference_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conference_item_user_user_id_user')),
    sa.PrimaryKeyConstraint('item_id', 'user_id', name=op.f('pk_conference_item_user'))
    )
    with op.batch_alter_table('conference_item_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_item_user_user_id'), ['user_id'], unique=False)

    op.create_table('plan_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('leefgebied', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("leefgebied IN ('schulden', 'dakloosheid', 'verslaving', 'psychische_problematiek', 'huiselijke_situatie', 'school_werk', 'justitie')", name=op.f('ck_plan_goal_leefgebied')),
    sa.CheckConstraint("status IN ('open', 'bereikt', 'niet_bereikt')", name=op.f('ck_plan_goal_status')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_plan_goal_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_plan_goal_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goal'))
    )
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goal_case_id'), ['case_id'], unique=False)

    op.create_table('plan_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('conference_item_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'gereed', 'vervallen')", name=op.f('ck_plan_action_status')),
    sa.CheckConstraint("(owner_user_id IS NULL) <> (owner_organisation_id IS NULL)", name=op.f('ck_plan_action_one_owner')),
    sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f('ck_plan_action_closed_when_done')),
    sa.CheckConstraint("status <> 'gereed' OR report <> ''", name=op.f('ck_plan_action_report_when_done')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_plan_action_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_plan_action_closed_by_id_user')),
    sa.ForeignKeyConstraint(['conference_item_id'], ['conference_item.id'], name=op.f('fk_plan_action_conference_item_id_conference_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_plan_action_created_by_id_user')),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'], name=op.f('fk_plan_action_goal_id_plan_goal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_plan_action_owner_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user.id'], name=op.f('fk_plan_action_owner_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_action'))
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_action_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_action_conference_item_id'), ['conference_item_id'], unique=False)
        batch_op.create_index('ix_plan_action_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index('ix_plan_action_organisation_status_due', ['owner_organisation_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_plan_action_user_status_due', ['owner_user_id', 'status', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_action_user_status_due')
        batch_op.drop_index('ix_plan_action_organisation_status_due')
        batch_op.drop_index('ix_plan_action_status_due')
        batch_op.drop_index(batch_op.f('ix_plan_action_conference_item_id'))
        batch_op.drop_index(batch_op.f('ix_plan_action_goal_id'))
        batch_op.drop_index(batch_op.f('ix_plan_action_case_id'))

    op.drop_table('plan_action')
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goal_case_id'))

    op.drop_table('plan_goal')
    for table, column in (('conference_item_user', 'user_id'), ('conference_item_organisation', 'organisation_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    with op.batch_alter_table('conference_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_item_case_id'))

    op.drop_table('conference_item')
    for table, column in (('conference_organisation', 'organisation_id'), ('conference_gemeente', 'gemeente_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_starts_at'))

    op.drop_table('conference')
