"""Stores to test against: a SQLite file, and a real PostgreSQL server these fixtures start
(initdb into a temporary folder, ``postgres`` on a free port of 127.0.0.1, as an
unprivileged user when run as root since postgres refuses root) and stop afterwards. Every
store test runs on both; PostgreSQL tests skip, with the reason, only when no server can
be started here."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(versions[-1]).parent if versions else None


TEST_DB = "monoselect_tests"  # each store test gets a schema of it (``store_url``)
# trust on 127.0.0.1 only, no fsync: a throwaway server for the tests
INITDB_OPTIONS = ("-U", "monoselect", "--auth=trust", "-E", "UTF8", "--no-sync")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server: ``url(dbname)`` gives a SQLAlchemy URL for one database."""

    port: int
    user: str = "monoselect"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname={dbname}", autocommit=True
        ) as conn:
            conn.execute(sql)


def _start_postgres(folder: Path) -> tuple[PostgresServer | None, str, list[str]]:
    """(server, reason it could not start, the command that stops it)."""
    bindir = _pg_bin()
    if bindir is None:
        return None, "no PostgreSQL server binaries (initdb) on this machine", []
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install 'monoselect[postgres]')", []
    prefix: list[str] = []
    if os.geteuid() == 0:
        # postgres will not run as root: run it as an unprivileged user owning the folder
        user = "postgres" if _user_exists("postgres") else "nobody"
        runuser = shutil.which("runuser")
        if runuser is None:
            return None, "running as root and runuser is missing to start postgres as a user", []
        prefix = [runuser, "-u", user, "--"]
        shutil.chown(folder, user=user)
    folder.chmod(0o700)
    data = folder / "data"
    init = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), *INITDB_OPTIONS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if init.returncode != 0:
        return None, f"initdb failed: {init.stderr.strip()[-300:]}", []
    stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
    reason = ""
    log = ["-l", str(folder / "server.log"), "-w", "-t", "60"]
    for _ in range(3):  # a free port can be taken between the probe and the start
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {folder} -F -c fsync=off -c max_connections=60"
        started = subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, *log, "start"],
            capture_output=True,
            text=True,
            timeout=90,
        )
        if started.returncode == 0:
            return PostgresServer(port), "", stop
        log = folder / "server.log"
        reason = (log.read_text(errors="replace") if log.exists() else started.stderr)[-300:]
    return None, f"postgres did not start: {reason.strip()}", stop


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session, stopped (and its folder removed) at the end."""
    # /tmp itself, not pytest's tmp_path: the server's user must be able to reach the folder
    folder = Path(tempfile.mkdtemp(prefix="monoselect-pg-"))
    server, reason, stop = _start_postgres(folder)
    try:
        if server is None:
            pytest.skip(f"PostgreSQL store tests skipped: {reason}")
        server.admin(f"CREATE DATABASE {TEST_DB}")
        yield server
    finally:
        if stop:
            subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty store: a SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    # a schema of its own in the session's database, reached through the URL's search_path:
    # empty as a new database is, at a millisecond instead of CREATE DATABASE's 0.1-0.2 s
    name = "t_" + uuid.uuid4().hex[:12]
    server.admin(f"CREATE SCHEMA {name}", dbname=TEST_DB)
    try:
        yield server.url(TEST_DB) + f"?options=-csearch_path%3D{name}"
    finally:
        with contextlib.suppress(Exception):
            server.admin(f"DROP SCHEMA {name} CASCADE", dbname=TEST_DB)


@pytest.fixture
def store(store_url):
    from monoselect import Store

    with Store(store_url) as s:
        yield s


@pytest.fixture(scope="session")
def results():
    """Real results of three families, made once: a site run, a linker run (more split
    categories than SM/mono/bis) and a comparison of two protocols."""
    from monoselect import compare, make_conditions, make_scenario, simulate

    site = simulate(make_scenario(substrate="piperazine", electrophile="Boc2O", eq=1.0))
    linker = simulate(
        make_scenario(substrate="piperazine", electrophile="1,4-dibromobutane", eq=1.0)
    )
    comparison = compare(
        make_conditions(substrate="piperazine", electrophile="Boc2O", eq=1.0),
        ["direct", "excess"],
    )
    return {"site": site, "linker": linker, "compare": comparison}
