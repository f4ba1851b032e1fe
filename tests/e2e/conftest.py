"""Browser fixtures for the end-to-end tests: the system Chromium through Playwright, a live server, and
the shipped dataset loaded into the live server's database."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from pledges.models import Pledge

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
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
def public_server(django_db_setup, django_db_blocker) -> Iterator[LiveServer]:
    """One live server for the public tests of the whole run, as pytest-django's `live_server` is."""
    with django_db_blocker.unblock():
        # An in-memory SQLite database is shared with the server thread: open it here first.
        connection.ensure_connection()
        server = LiveServer("localhost")
    yield server
    server.stop()


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
}
DATASET_PLEDGE = "france-troops-peacekeeping-support"


def public_path(name: str) -> str:
    """The address of a public page, with the dataset's ids filled in (one query when it needs one)."""
    path = PUBLIC_PAGES[name]
    if "{pledge}" in path:
        path = path.format(pledge=Pledge.objects.published().get(ref=DATASET_PLEDGE).pk)
    return path
