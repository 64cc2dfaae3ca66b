from alembic import context
from sqlalchemy import pool

import caseapp.models  # noqa: F401 - registers every table on the metadata
from caseapp.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def database_url():
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from config import get_config

    return get_config().DATABASE_URL


def run_migrations(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    engine = make_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        run_migrations(connection)
