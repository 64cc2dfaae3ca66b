"""What the benchmarks share: a throwaway database at the migrations' head, a fast bulk load, timing."""

import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from itertools import chain, islice
from pathlib import Path

from sqlalchemy import insert

from caseapp.db import make_engine
from caseapp.migrate import upgrade
from tests.postgres import throwaway_postgres

BATCH = 20_000


@contextmanager
def database(kind):
    """The URL of an empty database at the migrations' head, removed afterwards: a private PostgreSQL server
    (tests/postgres.py) or a SQLite file in a temporary folder."""
    with ExitStack() as stack:
        if kind == "sqlite":
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="caseapp-bench-"))
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        else:
            url = stack.enter_context(throwaway_postgres())
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        engine.dispose()
        yield url


def stop_on_sigterm():
    """Unwind on kill too, so the throwaway databases are stopped and removed."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def bulk_insert(connection, table, rows):
    """Insert rows (dicts with the same keys; any iterable, read once) and return how many: COPY on PostgreSQL,
    executemany in batches elsewhere. Columns the rows leave out get the column's default."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    rows, count = chain([first], rows), 0
    # COPY knows only the server's defaults: add the Python-side ones, the same for every row.
    defaults = {column.name: column.default.arg for column in table.columns
                if column.name not in first and column.default is not None and column.default.is_scalar}
    if connection.dialect.name != "postgresql":
        while batch := list(islice(rows, BATCH)):
            connection.execute(insert(table), [{**row, **defaults} for row in batch])
            count += len(batch)
        return count
    names, extra = list(first), list(defaults.values())
    quote = connection.dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in (*names, *defaults))
    with (connection.connection.driver_connection.cursor() as cursor,
          cursor.copy(f"COPY {quote.format_table(table)} ({columns}) FROM STDIN") as copy):
        for row in rows:
            copy.write_row([*(row[name] for name in names), *extra])
            count += 1
    return count


@contextmanager
def without_indexes(connection, tables):
    """Drop the tables' indexes for a bulk load and create them again after it: faster than keeping them up to
    date row by row. Primary keys and unique constraints stay."""
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def timed(function, repeat, after=None):
    """Run `function` `repeat` times: the times in milliseconds and the last result. `after` runs after each run,
    untimed."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
        if after is not None:
            after()
    return times, result


def summary(times):
    """(median, 95th percentile) of the times."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
