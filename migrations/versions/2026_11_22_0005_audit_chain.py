"""Audit entries chained by hash; PostgreSQL refuses UPDATE and DELETE on them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:00.000000

The entries already in the table are chained here, in id order, as they are found: from now on a change to any
of them is detected. This way every row carries its hashes (the columns are NOT NULL, so nothing can enter the
table unchained) and the verifier has one rule for every row.
"""

from alembic import op
import sqlalchemy as sa

from caseapp.audit.chain import CHAINED_FIELDS, GENESIS, entry_digest


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 5000

# The columns as this revision knows them, typed, so that times come back as datetimes on SQLite too.
_TYPES = {"at": sa.DateTime(), "role": sa.String(), "action": sa.String(), "outcome": sa.String(),
          "record_type": sa.String(), "client_address": sa.String(), "detail": sa.String()}
audit_entry = sa.table(
    'audit_entry',
    *(sa.column(name, _TYPES.get(name, sa.Integer())) for name in CHAINED_FIELDS),
    sa.column('previous_hash', sa.String()),
    sa.column('entry_hash', sa.String()),
)

APPEND_ONLY = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP;
END;
$$
"""


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _chain_existing_entries(op.get_bind())
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('previous_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY)
        op.execute('CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry '
                   'FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()')
        op.execute('CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()')


def _chain_existing_entries(connection):
    """Chain the rows present, in id order and in batches (the memory used stays flat however many there are)."""
    c = audit_entry.c
    update = audit_entry.update().where(c.id == sa.bindparam('b_id')).values(
        previous_hash=sa.bindparam('b_previous'), entry_hash=sa.bindparam('b_hash'))
    last_id, previous = 0, GENESIS
    while rows := connection.execute(
        sa.select(*(c[name] for name in CHAINED_FIELDS)).where(c.id > last_id).order_by(c.id).limit(BATCH)
    ).all():
        sealed = []
        for row in rows:
            digest = entry_digest(row._mapping, previous)
            sealed.append({'b_id': row.id, 'b_previous': previous, 'b_hash': digest})
            last_id, previous = row.id, digest
        connection.execute(update, sealed)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_entry_no_truncate ON audit_entry')
        op.execute('DROP TRIGGER audit_entry_append_only ON audit_entry')
        op.execute('DROP FUNCTION audit_entry_append_only()')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('previous_hash')
