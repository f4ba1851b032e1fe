"""Every page the browser tests open is valid HTML: the Nu Html Checker reads each distinct page the live
servers answered during the run (tests/e2e/conftest.py keeps them) and the run fails with every error
and warning it reports. The checker itself is shown to catch a broken page, and a crawl from the
overview opens every page a visitor can reach by following links."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, PUBLIC_PAGES, HtmlChecker, PageRecorder, public_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BROKEN_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"></head>
<body>
<article><p>Changed <time datetime="2025-10-05T12:00:00.123456+00:00">5 October 2025</time>.</p></article>
<table><tr><td>a cell</td></tr></table><p>An unclosed <b>bold
</body>
</html>
"""
# The links a crawl does not follow: not pages (feeds, files, the API's JSON, the card) or not public.
NOT_PAGES = (".atom", ".svg", ".png", ".ico", ".json", ".csv", ".zip", ".xml", ".txt")
# The pages of release 1 are crawled in English (the Ukrainian ones are the same pages, checked live).
NOT_CRAWLED = (
    "/static/", "/feeds/", "/api/v1/", "/oembed/", "/download/", "/" + settings.ADMIN_PATH,
    "/releases/1/uk/", "/releases/1/api/v1/", "/releases/1/download/",
)  # fmt: skip
CRAWL_LIMIT = 900


def describe(problems: list[dict], pages: dict[Path, set[str]]) -> str:
    """The checker's findings grouped by page, each with its line and the text it points at."""
    lines = []
    for file in sorted({problem["file"] for problem in problems}):
        addresses = ", ".join(sorted(pages.get(Path(file), {file})))
        lines.append(f"{addresses} ({Path(file).name}):")
        for problem in (p for p in problems if p["file"] == file):
            kind = "error" if problem["type"] == "error" else "warning"
            extract = " ".join(problem.get("extract", "").split())
            line = problem.get("lastLine", "?")
            lines.append(f"    line {line}: {kind}: {problem['message']}  [{extract}]")
    return "\n".join(lines)


def test_the_checker_reports_what_is_wrong_with_a_broken_page(vnu: HtmlChecker, tmp_path: Path):
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN_PAGE, encoding="utf-8")
    valid = tmp_path / "valid.html"
    valid.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>'
        '<body><p>Changed <time datetime="2025-10-05T12:00:00+00:00">5 October 2025</time>.</p>'
        "</body></html>",
        encoding="utf-8",
    )
    problems = vnu.check([broken, valid])
    assert {problem["file"] for problem in problems} == {str(broken)}
    errors = " | ".join(p["message"] for p in problems if p["type"] == "error")
    assert "A fraction of a second must be one, two, or three digits" in errors
    assert "title" in errors  # the head lacks its <title>
    assert "“b”" in errors  # the unclosed element
    warnings = [p["message"] for p in problems if p["type"] != "error"]
    assert any(message.startswith("Article lacks heading") for message in warnings)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_every_page_linked_from_the_overview_opens(visitor: Page, public_site):
    """A crawl of the links between pages (without query strings): none is broken, and the HTML
    checker gets every page of the dataset, each pledge, member, type and source among them."""
    origin = public_site.url
    seen, queue, broken = {"/"}, ["/"], []
    while queue and len(seen) <= CRAWL_LIMIT:
        path = queue.pop(0)
        answer = visitor.request.get(path)
        if answer.status != 200:
            broken.append(f"{path}: {answer.status}")
            continue
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        links = Links()
        links.feed(answer.text())
        for href in links.hrefs:
            url = urldefrag(urljoin(origin + path, href)).url
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != origin or parts.query:
                continue
            target = parts.path
            if target in seen or target.startswith(NOT_CRAWLED) or target.endswith(NOT_PAGES):
                continue
            seen.add(target)
            queue.append(target)
    assert broken == []
    assert len(seen) <= CRAWL_LIMIT, "the crawl went past its limit: a link generates new addresses"
    opened = {path.rstrip("/").rsplit("/", 1)[0] + "/" for path in seen}
    assert {"/pledges/", "/members/", "/types/", "/sources/"} <= opened


@pytest.mark.runs_last
def test_every_page_the_browser_tests_opened_is_valid_html(
    visitor: Page, html_pages: PageRecorder, vnu: HtmlChecker
):
    # The pages every run must check are opened here too, so that this test alone still checks them.
    for name in PUBLIC_PAGES:
        response = visitor.goto(public_path(name))
        assert response is not None and response.status == 200, name
    response = visitor.goto("/no-such-page/")
    assert response is not None and response.status == 404
    response = visitor.goto("/pledges/?status=bogus")
    assert response is not None and response.status == 400

    files = sorted(html_pages.pages)
    problems = vnu.check(files)
    report = describe(problems, html_pages.pages)
    addresses = html_pages.addresses()
    summary = (
        f"Nu Html Checker: {len(files)} distinct pages from {len(addresses)} addresses, "
        f"{sum(p['type'] == 'error' for p in problems)} errors, "
        f"{sum(p['type'] != 'error' for p in problems)} warnings"
    )
    (ARTIFACTS / "html-check.txt").write_text(f"{summary}\n{report}\n", encoding="utf-8")
    print(summary)
    paths = {address.split(" ", 1)[1].split("?")[0] for address in addresses}
    assert {"/", "/about/", "/api/", "/download/", "/members/france/embed/", "/no-such-page/"} <= paths
    assert not problems, f"{summary}:\n{report}"
