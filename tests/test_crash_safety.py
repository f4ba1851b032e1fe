"""Killing the server in the middle of an editor's work loses nothing the admin confirmed as saved.

A real gunicorn serves a database of its own (an SQLite file, or a fresh PostgreSQL database when the
suite runs on PostgreSQL); an editor saves pledges through the admin over HTTP, noting every save
answered with the admin's redirect; the whole server is killed with SIGKILL while the editor is still
saving. Each admin save is one transaction (the admin wraps the change form in `transaction.atomic`,
and the history row and log entry are written inside it), so every confirmed save must be in the
database with its history row, and `manage.py validate_data` must find the data sound.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from bench.loadtest import AdminEditor

BASE_DIR = settings.BASE_DIR
PASSWORD = "a long editor passphrase for the crash test"
CONFIRMED_BEFORE_KILL = 8
ROUNDS = 3

SETUP = f"""
from django.contrib.auth.models import User
from tests.conftest import make_ledger, make_pledge
User.objects.create_superuser("editor", "editor@example.org", {PASSWORD!r})
pledges = [make_pledge() for _ in range(4)]
for pledge in pledges:
    # Sound data: each source's review ledger accounts for its every sentence about security help.
    make_ledger(pledge.citations.get().source, f"pledge:{{pledge.ref}}")
print(",".join(str(pledge.pk) for pledge in pledges))
"""

STATE = """
import json
from pledges.models import Pledge
print(json.dumps({
    "current": {str(p.pk): p.summary for p in Pledge.objects.all()},
    "history": sorted(set(Pledge.history.values_list("summary", flat=True))),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the crash test's own, on the backend the suite runs on."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    import psycopg

    name = f"{db['NAME']}_crash_{os.getpid()}"
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    try:
        yield f"postgres://{db['USER']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL": "false",
        # Debug mode serves the admin's static files without collectstatic; transactions are the same.
        "DJANGO_DEBUG": "true",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_until_up(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"The server did not answer {url} within {seconds} s.")


class EditorUnderFire(AdminEditor):
    """An editor who says when a save's POST is about to leave, so the kill can land inside it."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.armed = False
        self.posting = threading.Event()

    def post(self, url: str, fields: list[tuple[str, str]]) -> tuple[int, str, str]:
        if self.armed:
            self.posting.set()
        return super().post(url, fields)


class Server:
    """gunicorn in its own process group, so that one SIGKILL takes the workers down with the master."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with log.open("a") as stderr:
            gunicorn = str(Path(sys.executable).with_name("gunicorn"))
            self.process = subprocess.Popen(
                [gunicorn, "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        wait_until_up(self.url + "/healthz/")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def save_until_killed(server: Server, pks: list[int], first: int, attempted: list, confirmed: list) -> int:
    """Save pledges in turn; once enough saves are confirmed, SIGKILL the server during a save's POST.

    Returns how many saves were attempted. A save counts as confirmed when the admin answered it with
    its redirect, as a browser would show "changed successfully".
    """
    editor = EditorUnderFire(server.url)
    editor.log_in("editor", PASSWORD)
    cut_off: list[OSError] = []
    confirmed_before = len(confirmed)

    def keep_saving() -> None:
        n = first
        while True:
            n += 1
            pk, summary = pks[n % len(pks)], f"Crash test save {n}: committed to two Patriot systems."
            attempted.append((pk, summary))
            try:
                if editor.save_pledge(pk, summary=summary):
                    confirmed.append((pk, summary))
            except OSError as error:
                cut_off.append(error)
                return

    worker = threading.Thread(target=keep_saving, daemon=True)
    worker.start()
    deadline = time.monotonic() + 20
    while len(confirmed) - confirmed_before < CONFIRMED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.005)
    editor.armed = True
    assert editor.posting.wait(10), "the editor stopped saving"
    # A few milliseconds into the POST: inside the transaction, at its commit, or just after it.
    time.sleep(secrets.randbelow(30) / 1000)
    server.kill()
    worker.join(15)
    assert len(confirmed) - confirmed_before >= CONFIRMED_BEFORE_KILL
    assert cut_off, "the kill did not interrupt the editor"
    return len(attempted)


def test_a_killed_server_loses_no_confirmed_save(database_url, tmp_path):
    env = server_environment(database_url)
    migrated = manage(env, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    setup = manage(env, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr
    pks = [int(pk) for pk in setup.stdout.strip().splitlines()[-1].split(",")]
    log = tmp_path / "server.log"
    attempted: list[tuple[int, str]] = []
    confirmed: list[tuple[int, str]] = []

    # Three crashes in a row: each restart must also come back cleanly from the one before.
    for _round in range(ROUNDS):
        server = Server(env, log)
        try:
            save_until_killed(server, pks, len(attempted), attempted, confirmed)
        finally:
            server.kill()

    assert "Traceback" not in log.read_text()
    state = manage(env, "shell", "-c", STATE)
    assert state.returncode == 0, state.stderr
    stored = json.loads(state.stdout.strip().splitlines()[-1])
    history = set(stored["history"])
    for _pk, summary in confirmed:
        assert summary in history, f"confirmed save lost: {summary}"
    for pk in pks:
        # Each pledge holds its last confirmed save, or a later one that committed as the server died.
        mine = [summary for p, summary in attempted if p == pk]
        last_confirmed = max(mine.index(summary) for p, summary in confirmed if p == pk)
        assert stored["current"][str(pk)] in mine[last_confirmed:], pk

    validated = manage(env, "validate_data")
    assert validated.returncode == 0, validated.stdout + validated.stderr
