"""Security: production settings, headers and CSP, login throttling, the admin's address, sessions,
passwords, escaping of hostile text everywhere it is shown, and oversized requests."""

import csv
import io
import json
import os
import secrets
import subprocess
import sys
import zipfile
from datetime import timedelta
from importlib import reload
from xml.etree import ElementTree

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from pledges.models import Membership
from pledges.releases import cut_release
from tests.conftest import (
    make_citation,
    make_count,
    make_meeting,
    make_member,
    make_membership,
    make_pledge,
    make_source,
    make_type,
)
from tests.public_urls import HTML_PAGES, Sample, inline_code, public_urls, route_names

BASE_DIR = django_settings.BASE_DIR
PASSWORD = "correct horse battery staple 1917"


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Tests run with debug off; the hashed-name manifest only exists after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Logins here are about throttling, not about the cost of hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_python(args: list[str], **env_changes: str | None) -> subprocess.CompletedProcess:
    """Run Python in the project with the environment changed: a value of None removes the variable."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    # The browser tests set this for their own process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


# --- Production settings ------------------------------------------------------------------------------


def test_the_deployment_checklist_finds_nothing_with_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG=None,
        DJANGO_SECURE_SSL=None,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_send_every_security_header_over_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS)"
    )
    result = run_python(
        ["-c", code],
        DJANGO_DEBUG=None,
        DJANGO_SECURE_SSL=None,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True True ('HTTP_X_FORWARDED_PROTO', 'https') ['example.org']"
    )


def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python(["-c", "import django; django.setup()"], DJANGO_DEBUG="false", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_debug_value_that_is_neither_true_nor_false_is_refused_clearly():
    result = run_python(["-c", "import django; django.setup()"], DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG must be true or false, not 'maybe'." in result.stderr


# --- Headers and the Content-Security-Policy on every public page -------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


def visit(client, url: str):
    """GET a public URL; oEmbed is asked about a member page, as a consumer would ask."""
    if url.startswith(reverse("pledges:oembed")):
        return client.get(url, {"url": django_settings.SITE_URL + visit.member_url})
    return client.get(url)


@pytest.fixture
def sample(db) -> Sample:
    sample = Sample.build()
    visit.member_url = sample.member.get_absolute_url()
    return sample


def test_every_public_route_is_visited(sample):
    # public_urls() raises for a route it cannot fill in: a new route must be added to its table.
    urls = public_urls(sample)
    assert set(route_names()) <= set(urls)
    assert HTML_PAGES <= set(urls)


def test_every_public_response_has_a_strict_content_security_policy(client, sample):
    embed_url = reverse("pledges:member_embed", args=[sample.member.slug])
    for name, url in public_urls(sample).items():
        response = visit(client, url)
        assert response.status_code == 200, (name, url, response.status_code)
        csp = csp_directives(response)
        assert csp.get("script-src") == ["'self'"], (name, csp)
        assert csp.get("style-src") == ["'self'"], (name, csp)
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        if url in (embed_url, f"/releases/{sample.release.number}{embed_url}"):
            continue
        assert csp.get("frame-ancestors") == ["'none'"], (name, csp)
        assert response.headers.get("X-Frame-Options") == "DENY", name


def test_the_embed_page_may_be_framed_by_other_sites(client, sample):
    response = client.get(reverse("pledges:member_embed", args=[sample.member.slug]))
    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp.get("frame-ancestors") not in (None, ["'none'"], ["'self'"]), csp
    assert "X-Frame-Options" not in response.headers
    # Framing is the only thing relaxed.
    assert csp.get("script-src") == ["'self'"] and csp.get("style-src") == ["'self'"]


def test_public_pages_carry_no_inline_script_style_or_event_handler(client, sample):
    for name in sorted(HTML_PAGES):
        url = public_urls(sample)[name]
        response = visit(client, url)
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Type"].startswith("text/html"), name
        assert inline_code(response.content.decode()) == [], name


def test_the_error_pages_carry_no_inline_code_either(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert inline_code(response.content.decode()) == []
    assert csp_directives(response).get("frame-ancestors") == ["'none'"]


def test_the_admin_login_page_and_change_forms_carry_no_inline_code(client, sample):
    # Django's admin (6.1) passes its data through data- attributes and static files; the one
    # exception left in the editors' screens is django-simple-history's object history list, whose
    # paginator has style="border-top: 0": the browser ignores it under this policy, harmlessly.
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", PASSWORD))
    for url in (
        reverse("admin:pledges_pledge_change", args=[sample.pledge.pk]),
        reverse("admin:pledges_pledge_add"),
        reverse("admin:pledges_meeting_change", args=[sample.meeting.pk]),
        reverse("admin:pledges_source_add"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url
        assert csp_directives(response).get("script-src") == ["'self'"]


# --- Login throttling ---------------------------------------------------------------------------------


def log_in(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def editors(db) -> tuple[User, User]:
    return (
        User.objects.create_user("editor", password=PASSWORD, is_staff=True),
        User.objects.create_user("colleague", password=PASSWORD, is_staff=True),
    )


def test_five_failed_logins_lock_the_account_out_even_with_the_right_password(client, editors):
    for _ in range(4):
        response = log_in(client, "editor", "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    # The fifth failure reaches the limit: that answer is already the lock-out page.
    assert log_in(client, "editor", "wrong password").status_code == 429

    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 429
    assert "admin/locked_out.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Account locked" in page
    assert "Too many failed login attempts" in page
    assert "locked for 15 minutes" in " ".join(page.split())
    assert "_auth_user_id" not in client.session
    assert inline_code(page) == []


def test_a_lock_out_touches_only_that_username_from_that_address(client, editors):
    for _ in range(5):
        log_in(client, "editor", "wrong password")

    assert log_in(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    # Somebody hammering a username from one address does not lock its owner out everywhere.
    assert log_in(client, "editor", PASSWORD, address="203.0.113.9").status_code == 302


def test_after_the_cool_off_the_editor_can_log_in_again(client, editors):
    for _ in range(5):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", PASSWORD).status_code == 429

    cool_off = timedelta(hours=django_settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))

    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def log_in_through_proxy(client, username: str, password: str, forwarded_for: str):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_without_proxies_a_forged_forwarded_for_header_cannot_dodge_the_lock_out(client, editors):
    for n in range(5):
        log_in_through_proxy(client, "editor", "wrong password", forwarded_for=f"192.0.2.{n}")
    assert log_in_through_proxy(client, "editor", PASSWORD, forwarded_for="192.0.2.99").status_code == 429


def test_behind_a_proxy_each_client_address_is_throttled_on_its_own(client, editors, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        # The client forges the left part; the proxy appends the address it really saw.
        log_in_through_proxy(client, "editor", "wrong password", forwarded_for="198.51.100.1, 203.0.113.5")

    locked = log_in_through_proxy(client, "editor", PASSWORD, forwarded_for="198.51.100.2, 203.0.113.5")
    assert locked.status_code == 429
    # The editor at another address, behind the same proxy, still gets in.
    assert log_in_through_proxy(client, "editor", PASSWORD, forwarded_for="203.0.113.77").status_code == 302


def test_the_throttling_settings_are_five_failures_by_username_and_address_and_twenty_by_address():
    assert django_settings.LOGIN_FAILURES_PER_USERNAME == 5
    assert django_settings.LOGIN_FAILURES_PER_ADDRESS == 20
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert timedelta(hours=django_settings.AXES_COOLOFF_TIME) == timedelta(minutes=15)


# --- The admin's address, sessions, passwords -----------------------------------------------------------


@pytest.fixture
def admin_at_another_path():
    """The URL map rebuilt with the admin moved, and put back afterwards."""
    import tracker.urls

    with override_settings(ADMIN_PATH="editors-desk-7f3/"):
        reload(tracker.urls)
        clear_url_caches()
        yield "/editors-desk-7f3/"
    reload(tracker.urls)
    clear_url_caches()


def test_the_admin_answers_only_at_its_configured_path(client, db, admin_at_another_path):
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.get(admin_at_another_path + "login/").status_code == 200
    assert reverse("admin:login") == admin_at_another_path + "login/"


def test_the_admin_path_comes_from_the_environment():
    result = run_python(
        [
            "-c",
            "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))",
        ],
        DJANGO_ADMIN_PATH="/back-office/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/back-office/"


def test_an_editor_session_ends_with_the_browser_and_after_eight_hours(client, editors):
    assert log_in(client, "editor", PASSWORD).status_code == 302
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    # No expiry date on the cookie: the browser forgets it when it closes.
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]

    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < lifetime <= timedelta(hours=8)

    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "password", ["short1!", "password1234", "123456789012345", "editor.smith@example", "qwerty123456"]
)
def test_weak_passwords_are_refused(password):
    user = User(username="editor.smith", email="editor.smith@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_passphrase_is_accepted():
    validate_password("walnut ledger typhoon 1648 quietly", User(username="editor"))


# --- Hostile text is shown inert everywhere -------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
PAYLOAD = SCRIPT + IMG + SVG
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(db) -> Sample:
    """Every text field of every public object holds the payload (with the field's name)."""

    def p(field: str) -> str:
        return f"{field}:{PAYLOAD}"

    source = make_source(
        title=p("source.title"),
        publisher=p("source.publisher"),
        description=p("source.description"),
        url="javascript:alert(1)",
        text=p("source.text") + " " + p("citation.quote"),
    )
    member = make_member(name=p("member.name"), description=p("member.description"))
    pledge_type = make_type(name=p("type.name")[:100], description=p("type.description"))
    pledge = make_pledge(
        member=member,
        pledge_type=pledge_type,
        summary=p("pledge.summary"),
        conditions=p("pledge.conditions"),
        note=p("pledge.note"),
        quantity=12,
        quantity_unit=p("unit")[:100],
        cited=False,
    )
    citation = make_citation(
        pledge, source=source, quote=p("citation.quote"), locator=p("citation.locator"), note=p("note")
    )
    membership = make_membership(member=member, role=Membership.Role.GUARANTOR, note=p("membership.note"))
    meeting = make_meeting(title=p("meeting.title"), place=p("meeting.place"), agreed=p("meeting.agreed"))
    meeting.hosts.add(member)
    make_citation(meeting, source=source, quote=p("citation.quote"))
    count = make_count(counts=p("count.counts"), note=p("count.note"), meeting=meeting)
    visit.member_url = member.get_absolute_url()
    return Sample(
        # The hostile text in a release too (its note is hostile as well), cut once everything exists.
        release=cut_release(p("release.note")),
        member=member,
        pledge=pledge,
        pledge_type=pledge_type,
        source=source,
        meeting=meeting,
        count=count,
        membership=membership,
        citation=citation,
    )


def assert_inert_markup(text: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in text, f"{where} shows {marker!r} unescaped"
    assert 'href="javascript:' not in text.lower(), f"{where} links to a javascript: URL"


# Pages that show the hostile objects by name: the escaped payload must be there, or they show nothing.
PAGES_SHOWING_THE_DATA = {
    "member_list",
    "member_detail",
    "member_embed",
    "member_card",
    "pledge_list",
    "pledge_detail",
    "type_detail",
    "source_list",
    "source_detail",
    "meeting_list",
}


def test_hostile_text_is_escaped_on_every_page_card_and_feed(client, hostile):
    for name, url in public_urls(hostile).items():
        response = visit(client, url)
        assert response.status_code == 200, (name, response.status_code)
        content_type = response["Content-Type"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type.startswith(("text/html", "image/svg+xml")):
            text = body.decode()
            assert_inert_markup(text, name)
            if name in PAGES_SHOWING_THE_DATA:
                assert ESCAPED_SCRIPT in text, f"{name} does not show the hostile text at all"
        elif "xml" in content_type:
            assert_inert_feed(body, name)
        elif content_type.startswith("application/json"):
            assert_inert_json(body, name)


def assert_inert_feed(body: bytes, where: str) -> None:
    """An Atom feed: escaped as XML, and its HTML-typed elements hold escaped HTML too, since feed
    readers render those as markup."""
    text = body.decode()
    for marker in RAW_MARKERS:
        assert marker not in text, f"{where} shows {marker!r} unescaped"
    for element in ElementTree.fromstring(body).iter():
        if element.get("type") in ("html", "xhtml") and element.text:
            assert_inert_markup(element.text, f"{where} <{element.tag}>")


def assert_inert_json(body: bytes, where: str) -> None:
    """JSON carries text as text (a client escapes it); only HTML it hands out must be escaped."""
    document = json.loads(body)
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "html" and isinstance(item, str):
                    assert_inert_markup(item, f"{where} html")
                else:
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)


def test_json_answers_are_served_as_json_never_sniffed_as_html(client, hostile):
    for name, url in public_urls(hostile).items():
        response = visit(client, url)
        if name.startswith("api:") or name in ("oembed", "download_json"):
            assert response["Content-Type"].startswith("application/json"), name
            assert response["X-Content-Type-Options"] == "nosniff", name


def csv_cells(client) -> list[str]:
    response = client.get(reverse("pledges:download_csv"))
    assert response.status_code == 200
    assert "attachment" in response.get("Content-Disposition", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                reader = csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
                cells.extend(cell for row in reader for cell in row)
    return cells


def test_the_csv_download_keeps_hostile_text_as_plain_data(client, hostile):
    cells = csv_cells(client)
    assert any(PAYLOAD in cell for cell in cells)


def test_csv_cells_cannot_start_a_spreadsheet_formula(client, db):
    make_pledge(
        member=make_member(name="@SUM(1+1)*cmd|' /C calc'!A0"),
        summary='=HYPERLINK("https://evil.example/","Click for the source")',
        conditions="+1+1",
        note="-2+3",
    )
    cells = csv_cells(client)
    assert any("HYPERLINK" in cell for cell in cells)
    formulas = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == []


# --- Oversized requests ----------------------------------------------------------------------------------


def test_a_three_megabyte_login_post_is_refused_with_400(client, db):
    response = client.post(reverse("admin:login"), {"username": "a" * 3_000_000, "password": "x"})
    assert response.status_code == 400


def test_a_file_upload_to_the_login_is_refused_with_400(client, db):
    upload = io.BytesIO(b"not wanted")
    upload.name = "payload.txt"
    response = client.post(reverse("admin:login"), {"username": "a", "password": "b", "file": upload})
    assert response.status_code == 400


@pytest.mark.parametrize("route", ["pledges:pledge_list", "pledges:member_list", "pledges:overview"])
def test_a_query_string_with_five_thousand_parameters_is_refused_with_400(client, db, route):
    query = "&".join(f"type=t{i}" for i in range(5000))
    response = client.get(f"{reverse(route)}?{query}")
    assert response.status_code == 400


def test_a_query_with_five_thousand_parameters_to_the_api_is_refused_with_400(client, db):
    query = "&".join(f"p{i}=1" for i in range(5000))
    response = client.get(f"/api/v1/pledges/?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/pledges/?member=france%00", "/members/?q=%00", "/api/v1/pledges/?type=a%00b", "/pledges/%00/"]
)
def test_a_nul_byte_in_an_address_is_refused_with_400(client, db, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    if "?" in url:
        assert response.status_code == 400


def test_a_nul_byte_in_the_api_is_answered_with_a_json_error(client, db):
    response = client.get("/api/v1/pledges/?q=a%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "NUL" in response.json()["detail"]


def test_a_nul_byte_in_the_session_cookie_is_refused_with_400(client, db):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    assert client.get(reverse("admin:index")).status_code == 400


def test_a_nul_byte_in_the_login_form_gets_the_form_back(client, editors):
    response = log_in(client, "edi\x00tor", PASSWORD)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
