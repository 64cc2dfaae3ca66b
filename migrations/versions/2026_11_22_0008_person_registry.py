"""Person registry: search indexes, merges

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

from caseapp.persons import matching


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SEARCH_COLUMNS = {'search_name': 250, 'search_phonetic': 250, 'search_address': 200, 'search_postcode': 20}
INDEXES = {
    'ix_person_search_name_dob': ['search_name', 'date_of_birth'],
    'ix_person_search_phonetic_dob': ['search_phonetic', 'date_of_birth'],
    'ix_person_search_address': ['search_address'],
    'ix_person_search_postcode': ['search_postcode'],
    'ix_person_date_of_birth': ['date_of_birth'],
}


def _search_text(length):
    return sa.String(length).with_variant(sa.String(length, collation='C'), 'postgresql')


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')  # a trusted extension, shipped with PostgreSQL
    for name, length in SEARCH_COLUMNS.items():
        op.add_column('person', sa.Column(name, _search_text(length), server_default='', nullable=False))
    _fill_search_columns()
    op.drop_index('ix_person_name_dob', table_name='person')
    for name, columns in INDEXES.items():
        op.create_index(name, 'person', columns, unique=False)
    op.create_index('ix_person_search_name_trgm', 'person', ['search_name'], unique=False,
                    postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})

    op.create_table('person_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_person_id', sa.Integer(), nullable=False),
    sa.Column('merged_person_id', sa.Integer(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('merged_record', sa.JSON(), nullable=False),
    sa.Column('kept_record', sa.JSON(), nullable=False),
    sa.Column('moved', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['merged_by_id'], ['user.id'], name=op.f('fk_person_merge_merged_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merge')),
    sa.UniqueConstraint('merged_person_id', name=op.f('uq_person_merge_merged_person_id'))
    )
    op.create_index(op.f('ix_person_merge_kept_person_id'), 'person_merge', ['kept_person_id'], unique=False)


def _fill_search_columns():
    """Compute the search columns of the persons already registered (the app keeps them up to date after)."""
    connection = op.get_bind()
    person = sa.table('person', *(sa.column(name) for name in (
        'id', 'first_name', 'last_name', 'address', *SEARCH_COLUMNS)))
    rows = connection.execute(sa.select(person.c.id, person.c.first_name, person.c.last_name,
                                        person.c.address)).all()
    values = [{
        'person_id': row.id,
        'search_name': matching.search_name(row.first_name, row.last_name),
        'search_phonetic': matching.search_phonetic(row.first_name, row.last_name),
        'search_address': matching.search_address(row.address),
        'search_postcode': matching.search_postcode(row.address),
    } for row in rows]
    if values:
        connection.execute(
            person.update().where(person.c.id == sa.bindparam('person_id'))
            .values({name: sa.bindparam(name) for name in SEARCH_COLUMNS}),
            values,
        )


def downgrade():
    op.drop_index(op.f('ix_person_merge_kept_person_id'), table_name='person_merge')
    op.drop_table('person_merge')
    op.drop_index('ix_person_search_name_trgm', table_name='person')
    for name in INDEXES:
        op.drop_index(name, table_name='person')
    op.create_index('ix_person_name_dob', 'person', ['last_name', 'date_of_birth'], unique=False)
    for name in reversed(SEARCH_COLUMNS):
        op.drop_column('person', name)  # plain ALTER TABLE: a batch copy of person would trip its foreign keys
    # pg_trgm stays: other databases' objects may use it, and it holds no data.
