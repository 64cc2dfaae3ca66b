"""Second factor (TOTP, recovery codes) and server-side sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE on "user", as in 0003: on SQLite a batch copy of the table would delete every
    # user_gemeente row (ON DELETE CASCADE).
    op.add_column('user', sa.Column('totp_secret', sa.String(length=32), nullable=True))
    op.add_column('user', sa.Column('totp_pending_secret', sa.String(length=32), nullable=True))
    op.add_column('user', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    timestamp = sa.DateTime().compile(dialect=op.get_bind().dialect)
    op.execute(f'ALTER TABLE "user" ADD COLUMN totp_enrolled_at {timestamp} '
               'CONSTRAINT ck_user_second_factor_enrolled '
               'CHECK ((totp_secret IS NULL) = (totp_enrolled_at IS NULL))')

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_code_user_id_code_hash'))
    )
    op.create_table('user_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_session_created_at'))

    op.drop_table('user_session')
    op.drop_table('recovery_code')
    # The CHECK belongs to totp_enrolled_at, so that column goes first.
    op.drop_column('user', 'totp_enrolled_at')
    op.drop_column('user', 'totp_last_step')
    op.drop_column('user', 'totp_pending_secret')
    op.drop_column('user', 'totp_secret')
