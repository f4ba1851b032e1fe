"""Someone pastes the embed code into a page on another site: the iframe shows the member's pledges
and grows to fit them, and only the tracker can resize it. The country page's copy button copies the
embed code."""

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_member, make_pledge, make_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser is the shared one from tests/e2e/conftest.py.


@pytest.fixture
def tracker(live_server, settings) -> str:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return live_server.url


class HostSite:
    """Another site on its own origin, serving one page that holds the pasted code."""

    def __init__(self) -> None:
        self.body = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def serve(self, snippet: str) -> None:
        self.body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A blog</title></head>"
            f"<body><h1>Our blog post</h1>{snippet}<p>After the embed.</p></body></html>"
        ).encode()


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def embed_host_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 900, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_pasted_embed_shows_the_pledges_and_grows_to_fit_them(tracker, host_site, embed_host_page):
    page = embed_host_page
    member = make_member(name="France", slug="france")
    # The embed shows a few pledges per type of help (EMBED_PER_TYPE): spread over seven types, all
    # fourteen are shown and the content is taller than the iframe's first height.
    kinds = [make_type(name=f"Kind of help {n}") for n in range(7)]
    for n in range(14):
        make_pledge(member=member, pledge_type=kinds[n % 7], summary=f"Pledge number {n} of many.")
    # The code comes from the tracker's oEmbed answer, as a blogging platform would fetch it.
    with urllib.request.urlopen(f"{tracker}/oembed/?url={tracker}/members/france/") as answer:
        snippet = json.load(answer)["html"]
    assert host_site.url.split(":")[2] != tracker.split(":")[2]  # two origins
    host_site.serve(snippet)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(host_site.url)
    frame = page.frame_locator("iframe[data-tracker-embed]")
    expect(frame.get_by_text("Pledge number 13 of many.")).to_be_visible()
    iframe = page.locator("iframe[data-tracker-embed]")
    expect(iframe).not_to_have_attribute("height", "480")
    height = int(iframe.get_attribute("height"))
    content_height = frame.locator("#embed").evaluate("el => Math.ceil(el.getBoundingClientRect().height)")
    assert height == content_height > 480
    assert errors == []

    # A message from anyone but the tracker is ignored.
    page.evaluate("window.postMessage({type: 'tracker:embed-height', height: 90}, '*')")
    page.wait_for_timeout(200)
    assert int(iframe.get_attribute("height")) == height


def test_the_copy_button_copies_the_embed_code(tracker, browser):
    make_pledge(member=make_member(name="Italy", slug="italy"))
    context = browser.new_context(base_url=tracker, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/members/italy/")
    page.get_by_text("Embed this").click()
    code = page.get_by_label("Embed code").input_value()
    assert re.match(rf'<iframe src="{re.escape(tracker)}/members/italy/embed/"', code)
    page.get_by_role("button", name="Copy embed code").click()
    # The page's own language's snippet comes first; the other language's has its own button and status.
    expect(page.locator(".embed-panel .copy-status").first).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == code
    context.close()


def test_a_pinned_embed_on_another_site_says_updated_since_after_a_later_release(tracker, host_site, browser):
    from pledges.releases import cut_release

    pledge = make_pledge(member=make_member(name="France", slug="france"), summary="Will train pilots.")
    cut_release("The first release.")
    # A report pins its embed to the newest release, as the embed panel recommends.
    with urllib.request.urlopen(f"{tracker}/oembed/?url={tracker}/members/france/&release=latest") as answer:
        snippet = json.load(answer)["html"]
    assert f'src="{tracker}/releases/1/members/france/embed/"' in snippet
    host_site.serve(snippet)

    def visit() -> tuple:
        context = browser.new_context(viewport={"width": 900, "height": 800})  # no cached copy
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(host_site.url)
        return context, page.frame_locator("iframe[data-tracker-embed]")

    context, frame = visit()
    expect(frame.get_by_text("Will train pilots.")).to_be_visible()
    expect(frame.get_by_text("Updated since")).to_have_count(0)
    context.close()

    pledge.summary = "Will train pilots and ground crews."
    pledge.save()
    cut_release("The second release.")
    context, frame = visit()
    expect(frame.get_by_text("Updated since (release 2):")).to_be_visible()
    latest = frame.get_by_role("link", name="see the latest")
    assert latest.get_attribute("href").endswith("/members/france/")
    # The report's embed still shows what it quoted: release 1's words.
    expect(frame.get_by_text("Will train pilots.", exact=True)).to_be_visible()
    expect(frame.get_by_text("ground crews")).to_have_count(0)
    context.close()
