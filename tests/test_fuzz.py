"""Bad input: random and hostile query strings never make the site fail.

Hypothesis throws very long strings, NUL bytes, invalid UTF-8, right-to-left marks, huge and negative
numbers, impossible dates, repeated parameters, long comma lists and SQL-ish text at every parameter
of every list page, export, the embed, oEmbed and every API list. The only answers allowed are 200,
304, 400 and 404 (oEmbed may also answer 501 for a format it does not serve, as its spec says):
never a 500. The same tests run on SQLite and PostgreSQL, where a NUL byte reaching a query would
raise instead of matching nothing.

Run with `--hypothesis-show-statistics` to see how many inputs each endpoint got and their answers.
"""

from urllib.parse import quote, quote_from_bytes

import django_filters
import pytest
from django.conf import settings as django_settings
from django.urls import resolve, reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pledges import filters
from pledges.models import CountKind, DatePrecision, MemberKind, Region, Status
from tests.conftest import make_many_pledges, make_meeting, make_member, make_pledge, make_source, make_type
from tests.public_urls import LIST_PAGES, api_list_urls

ALLOWED = {200, 304, 400, 404}

# Values that have broken web apps before.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "2025-13-45",
    "0000-00-00",
    "2025-02-30",
    "9999-12-31",
    "-0001-01-01",
    "20250904",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    str(2**63),
    str(-(2**63) - 1),
    "1.5",
    "true",
    "false",
    "null",
    "None",
    "[]",
    "{}",
    "' OR '1'='1",
    "1; DROP TABLE pledges_pledge; --",
    '" OR ""="',
    "%' AND 1=0 UNION SELECT password FROM auth_user --",
    "\\",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "${7*7}",
    "\u202eevil\u202c",
    "\u200f\u0645\u0631\u062d\u0628\u0627",
    "Україна",
    "🇺🇦" * 50,
    "\ufeff",
    "\r\nSet-Cookie: x=1",
    "a" * 5000,
    ",".join(["troops"] * 500),
    ",".join(str(n) for n in range(1000)),
    "-announced",
    "--",
    "announced,-member,status,nonsense",
    "__all__",
    "pk",
    "-pk",
    "password",
]

VALID = [
    "fuzz-france",
    "fuzz-troops",
    "fuzz-source",
    "fuzz-meeting",
    "1",
    "2",
    "50",
    "100",
    "csv",
    "json",
    "xml",
    "html",
    "atom",
    "garbage",
    "dark",
    "light",
    "announced",
    "-announced",
    "member",
    "-status",
    "name",
    "-region",
    "2025-09-04",
    *Status.values,
    *Region.values,
    *MemberKind.values,
    *CountKind.values,
    *DatePrecision.values,
]


def percent(text: str) -> str:
    return quote(text, safe="")


def percent_raw(text: str) -> str:
    """Percent-encode text that may hold lone surrogates, as a careless client would send them."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


# Any code point, lone surrogates included.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)


values = st.one_of(
    st.sampled_from(NASTY).map(percent),
    st.sampled_from(VALID).map(percent),
    any_text.map(percent_raw),
    # Raw bytes: invalid UTF-8, encoded surrogates, lone continuation bytes, %00.
    st.binary(max_size=30).map(lambda raw: quote_from_bytes(raw, safe="")),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from(VALID + NASTY[:20]), min_size=2, max_size=300).map(
        lambda v: percent(",".join(v))
    ),
)


def filter_names() -> list[str]:
    """Every parameter any FilterSet of the site reads: the pages, exports and API share them."""
    names = set()
    for value in vars(filters).values():
        if isinstance(value, type) and issubclass(value, django_filters.FilterSet):
            names.update(value.base_filters)
    return sorted(names)


PAGING = ["page", "page_size", "per_page", "limit", "offset", "cursor", "ordering", "format", "q", "fields"]


def queries(names: list[str]) -> st.SearchStrategy[str]:
    """Query strings of up to eight parameters, repeats allowed, names mostly the endpoint's own."""
    name = st.one_of(
        st.sampled_from(names),
        st.sampled_from(names).map(lambda n: n + "[]"),
        any_text.map(percent_raw),
    )
    return st.lists(st.tuples(name, values), max_size=8).map(
        lambda pairs: "&".join(f"{key}={value}" for key, value in pairs)
    )


conditional_headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_NONE_MATCH": st.sampled_from(['"abc"', "*", 'W/"x", garbage', "\x7f" * 10, ""]),
        "HTTP_IF_MODIFIED_SINCE": st.sampled_from(
            ["Sat, 29 Oct 1994 19:43:31 GMT", "Mon, 45 Foo 2025 99:99:99 GMT", "0", "-1", "9" * 50]
        ),
        "HTTP_ACCEPT": st.sampled_from(["application/json", "*/*", "text/csv;q=garbage", "x" * 300]),
    },
)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    # The data is built once per test (a fixture); every example only reads it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Tests run with debug off; the hashed-name manifest only exists after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def site(db) -> None:
    """A small site: fixed slugs, so that some fuzzed values name real objects."""
    member = make_member(slug="fuzz-france", name="France", region="western-europe")
    pledge_type = make_type(slug="fuzz-troops", name="Troops")
    source = make_source(slug="fuzz-source")
    make_pledge(
        member=member, pledge_type=pledge_type, citation_source=source, quantity=3, quantity_unit="jets"
    )
    make_pledge(member=member, status="ruled-out", is_published=False)
    make_meeting(slug="fuzz-meeting")
    make_many_pledges(30, members=3, types=3)


def check(client, path: str, query: str, headers: dict, allowed: set[int] = ALLOWED) -> None:
    response = client.get(f"{path}?{query}", **headers)
    event(f"answered {response.status_code}")
    assert response.status_code in allowed, (path, query, headers, response.status_code)


def parameters_of(path: str) -> list[str]:
    """The parameters to try at `path`: the filters of its FilterView if it has one, every filter
    the site declares, and paging and format names."""
    view = resolve(path).func
    filterset = getattr(getattr(view, "view_class", None), "filterset_class", None)
    own = list(filterset.base_filters) if filterset else []
    return sorted({*own, *filter_names(), *PAGING})


@pytest.mark.parametrize("route", LIST_PAGES)
@FUZZ
@given(draw=st.data(), headers=conditional_headers)
def test_list_pages_never_fail_on_bad_filters(client, site, route, draw, headers):
    path = reverse(f"pledges:{route}")
    check(client, path, draw.draw(queries(parameters_of(path)), label="query"), headers)


EXPORT_FORMATS = ["csv", "json", "xml", "garbage", "CSV", "json%00", "", "a" * 500, "csv&format=json"]


@FUZZ
@given(export_format=st.sampled_from(EXPORT_FORMATS), query=queries(filter_names()))
def test_exports_of_the_pledge_list_never_fail(client, site, export_format, query):
    check(client, reverse("pledges:pledge_list"), f"format={export_format}&{query}", {})


EMBED_OPTIONS = ["types", "type", "theme", "status", "lang", "width", "height", "limit"]


@pytest.mark.parametrize("route", ["member_embed", "member_card"])
@FUZZ
@given(slug=st.sampled_from(["fuzz-france", "no-such-member", "a" * 100]), query=queries(EMBED_OPTIONS))
def test_the_embed_and_card_never_fail_on_bad_options(client, site, route, slug, query):
    check(client, reverse(f"pledges:{route}", args=[slug]), query, {})


SITE = django_settings.SITE_URL
OEMBED_URLS = st.one_of(
    st.sampled_from(
        [
            f"{SITE}/members/fuzz-france/",
            f"{SITE}/members/fuzz-france/embed/",
            f"{SITE}/members/no-such-member/",
            f"{SITE}/pledges/1/",
            f"{SITE}/members/",
            "https://evil.example/members/fuzz-france/",
            "javascript:alert(1)",
            "/members/fuzz-france/",
            "//evil.example/members/fuzz-france/",
            f"{SITE}/members/fuzz-france/\x00",
            f"{SITE}/" + "a" * 3000,
        ]
    ).map(percent),
    values,
)


@FUZZ
@given(url=OEMBED_URLS, query=queries(["format", "maxwidth", "maxheight", "callback", "url"]))
def test_oembed_never_fails_on_bad_urls_or_sizes(client, site, url, query):
    # oEmbed's spec answers a format the provider does not serve with 501.
    check(client, reverse("pledges:oembed"), f"url={url}&{query}", {}, ALLOWED | {501})


# A missing API fails here instead of leaving nothing to test.
API_LISTS = api_list_urls() or ["(pledges/api/urls.py declares no list endpoint)"]


@pytest.mark.parametrize("path", API_LISTS)
@settings(FUZZ, max_examples=80)
@given(draw=st.data(), headers=conditional_headers)
def test_api_lists_never_fail_on_bad_parameters(client, site, path, draw, headers):
    assert path.startswith("/api/"), path
    check(client, path, draw.draw(queries(parameters_of(path)), label="query"), headers)
