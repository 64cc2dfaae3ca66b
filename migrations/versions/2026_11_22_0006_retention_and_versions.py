"""Retention periods per case result; versions on persons

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:00:00.000000
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Years after closing. Five is the usual term for a zorg- en veiligheid case: long enough to recognise a
# person or address that comes back, no longer than needed (AVG art. 5(1)(e)). A case that turned out to
# have no ground ("geen grond") holds data about people nothing was done about: two years. The admin changes
# these in Beheer > Bewaartermijnen; a closure decision is kept 10 years regardless (in the code).
DEFAULT_YEARS = {
    'opgelost': 5,
    'overgedragen': 5,
    'geen_grond': 2,
    'verhuisd': 5,
    'gestopt': 5,
}


def upgrade():
    retention_period = op.create_table('retention_period',
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('years', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("result IN ('opgelost', 'overgedragen', 'geen_grond', 'verhuisd', 'gestopt')", name=op.f('ck_retention_period_result')),
    sa.CheckConstraint('years BETWEEN 1 AND 30', name=op.f('ck_retention_period_years_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_retention_period_updated_by_id_user')),
    sa.PrimaryKeyConstraint('result', name=op.f('pk_retention_period'))
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(retention_period, [{'result': result, 'years': years, 'updated_at': now}
                                      for result, years in DEFAULT_YEARS.items()])

    # Plain ADD COLUMN on both databases: nullable, or NOT NULL with a default for the existing rows.
    op.add_column('case', sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_index('ix_case_result_closed', 'case', ['result', 'closed_at'], unique=False)
    op.add_column('person', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    op.drop_column('person', 'version')
    op.drop_index('ix_case_result_closed', table_name='case')
    op.drop_column('case', 'anonymised_at')
    op.drop_table('retention_period')
