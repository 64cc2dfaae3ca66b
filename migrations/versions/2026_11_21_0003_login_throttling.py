"""Login throttling: failed logins per account and per client address

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:38:54.644258
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('failed_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_address', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_login'))
    )
    with op.batch_alter_table('failed_login', schema=None) as batch_op:
        batch_op.create_index('ix_failed_login_address_at', ['client_address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_login_at'), ['at'], unique=False)

    # A plain ALTER TABLE, with its CHECK, on both databases: on SQLite a batch copy of "user" would drop the
    # table, and with foreign keys on that deletes every user_gemeente row (ON DELETE CASCADE).
    op.execute('ALTER TABLE "user" ADD COLUMN failed_logins INTEGER DEFAULT 0 NOT NULL '
               'CONSTRAINT ck_user_failed_logins_not_negative CHECK (failed_logins >= 0)')
    op.add_column('user', sa.Column('locked_until', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('user', 'locked_until')
    op.drop_column('user', 'failed_logins')

    with op.batch_alter_table('failed_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_login_at'))
        batch_op.drop_index('ix_failed_login_address_at')

    op.drop_table('failed_login')
