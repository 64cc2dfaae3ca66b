"""A throwaway PostgreSQL server for the test run: initdb into a temporary folder, start, remove."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _pg_binary(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(
            f"{name} not found: install PostgreSQL's server (Debian: apt-get install postgresql), "
            "or run the tests on SQLite only with --db sqlite"
        )
    return found


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_postgres():
    """Yield a SQLAlchemy URL of a fresh database on a private server listening on a Unix socket."""
    folder = Path(tempfile.mkdtemp(prefix="caseapp-pg-"))
    # initdb refuses to run as root; as root, the server runs as the postgres system user.
    as_user = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(_pg_binary("initdb"), "-D", str(data), "-U", "caseapp", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        run(_pg_binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        run(_pg_binary("createdb"), "-h", str(folder), "-p", str(port), "-U", "caseapp", "caseapp_test")
        yield f"postgresql+psycopg://caseapp@/caseapp_test?host={folder}&port={port}"
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL failed to start: {error.stderr}") from error
    finally:
        subprocess.run([*as_user, _pg_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
