"""Alembic driven from the app: the same migrations build production, development and test databases."""

from alembic import command
from alembic.config import Config

from caseapp import ROOT


def alembic_config(connection=None, url=None):
    config = Config(str(ROOT / "alembic.ini"))
    if connection is not None:
        config.attributes["connection"] = connection
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(connection, revision="head"):
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection, revision):
    command.downgrade(alembic_config(connection), revision)
