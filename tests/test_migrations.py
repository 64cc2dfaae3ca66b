"""The schema comes from the migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from caseapp.db import Base
from caseapp.migrate import downgrade, upgrade


def test_models_and_migrations_agree(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(connection):
    downgrade(connection, "base")
    assert set(connection.dialect.get_table_names(connection)) <= {"alembic_version"}
    upgrade(connection)
    assert "case" in connection.dialect.get_table_names(connection)
