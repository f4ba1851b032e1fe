"""/api/v1/ at a numbered release: `?release=<n>` (or /releases/<n>/api/v1/…) answers with the data as the
release published it, whatever editors changed since; every answer says where it comes from; its
links stay at the release; bad numbers are JSON errors; the page cache keeps releases and live apart;
and a list at a release answers in as many queries whatever its size."""

import io
from dataclasses import dataclass

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Pledge, Release
from pledges.releases import IMMUTABLE, cut_release, release_database
from tests.conftest import make_pledge

# Cutting a release sets its own transaction's isolation on PostgreSQL: it cannot run inside the
# transaction a plain django_db test is wrapped in.
pytestmark = pytest.mark.django_db(transaction=True)

LISTS = ("member", "pledge_type", "pledge", "source", "citation", "meeting", "count")
SITE = "http://testserver"
CHANGED_SUMMARY = "Changed after the release was cut."
NEW_SUMMARY = "Published after the release was cut."


@dataclass
class Released:
    """A release of the shipped dataset and what changed live after it."""

    release: Release
    changed: Pledge  # its summary changed after the release
    old_summary: str
    withdrawn: Pledge  # unpublished after the release
    new: Pledge  # published after the release
    released_ids: set[int]  # the published pledges when the release was cut
    counts: dict[str, int]  # each list's count when the release was cut


@pytest.fixture
def released(client, db) -> Released:
    """The shipped dataset, cut as a release, then changed: a summary edited, a pledge withdrawn, a new
    one published."""
    call_command("load_dataset", stdout=io.StringIO())  # the shipped dataset comes as release 1
    counts = {name: get(client, api(f"{name}_list")).json()["count"] for name in LISTS}
    release = Release.objects.get(number=1)
    released_ids = set(Pledge.objects.published().values_list("pk", flat=True))
    changed, withdrawn = Pledge.objects.published().order_by("pk")[:2]
    old_summary = changed.summary
    changed.summary = CHANGED_SUMMARY
    changed.save()
    withdrawn.is_published = False
    withdrawn.save()
    new = make_pledge(summary=NEW_SUMMARY)
    return Released(release, changed, old_summary, withdrawn, new, released_ids, counts)


@pytest.fixture
def small_release(db) -> tuple[Release, Pledge]:
    """One published pledge, cut as a release: enough to ask for releases that are no such thing."""
    pledge = make_pledge()
    return cut_release("One pledge.", by="tests"), pledge


def api(name: str, *args) -> str:
    return reverse(f"pledges:api:{name}", args=args)


def get(client, url: str, expect: int = 200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    return response


def all_ids(client, url: str, **params) -> set[int]:
    """Every pledge a list gives, page after page, following its `next` links."""
    body = get(client, url, **params).json()
    ids = {row["id"] for row in body["results"]}
    while body["next"]:
        body = get(client, body["next"]).json()
        ids |= {row["id"] for row in body["results"]}
    return ids


def release_field(release: Release, language_prefix: str = "") -> dict:
    return {
        "number": release.number,
        "cut_at": release.cut_at.isoformat(),
        "url": f"{SITE}{language_prefix}/releases/{release.number}/",
    }


# --- The data as it was ----------------------------------------------------------------------------


def test_a_list_at_the_release_shows_the_pledges_as_they_were_released(client, released):
    n = released.release.number
    at_release = get(client, api("pledge_list"), release=n, page_size=500).json()
    rows = {row["id"]: row for row in at_release["results"]}
    assert set(rows) == released.released_ids
    assert at_release["count"] == len(released.released_ids)
    assert released.withdrawn.pk in rows and released.new.pk not in rows
    assert rows[released.changed.pk]["summary"] == released.old_summary

    live = get(client, api("pledge_list"), page_size=500).json()
    live_rows = {row["id"]: row for row in live["results"]}
    assert set(live_rows) == released.released_ids - {released.withdrawn.pk} | {released.new.pk}
    assert live_rows[released.changed.pk]["summary"] == CHANGED_SUMMARY


def test_details_at_the_release_show_each_pledge_as_it_was(client, released):
    n = released.release.number
    changed = api("pledge_detail", released.changed.pk)
    assert get(client, changed, release=n).json()["summary"] == released.old_summary
    assert get(client, changed).json()["summary"] == CHANGED_SUMMARY

    withdrawn = api("pledge_detail", released.withdrawn.pk)
    assert get(client, withdrawn, release=n).json()["id"] == released.withdrawn.pk
    assert "error" in get(client, withdrawn, expect=404).json()

    new = api("pledge_detail", released.new.pk)
    assert "error" in get(client, new, release=n, expect=404).json()
    assert get(client, new).json()["summary"] == NEW_SUMMARY


def test_the_other_lists_at_the_release_hold_what_it_held(client, released):
    """The new pledge came with its own member, type and source: none of them is in the release."""
    n = released.release.number
    new_member = released.new.lead.slug
    new_source = released.new.citations.get().source.slug
    members = {
        row["slug"] for row in get(client, api("member_list"), release=n, page_size=500).json()["results"]
    }
    assert new_member not in members
    assert new_member in {
        row["slug"] for row in get(client, api("member_list"), page_size=500).json()["results"]
    }
    get(client, api("source_detail", new_source), release=n, expect=404)
    get(client, api("source_detail", new_source))
    for name in LISTS:
        at_release = get(client, api(f"{name}_list"), release=n).json()
        assert at_release["count"] == released.counts[name], name
        under_prefix = get(client, f"/releases/{n}{api(f'{name}_list')}").json()
        assert at_release == under_prefix, name
    live = {name: get(client, api(f"{name}_list")).json()["count"] for name in LISTS}
    assert live["member"] == released.counts["member"] + 1  # the new pledge's member
    assert live["source"] == released.counts["source"] + 1  # and its source


# --- Where the answer comes from -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["index", "pledge_list", "pledge_detail"])
def test_every_answer_says_whether_it_is_live_or_at_which_release(client, released, name):
    url = api(name, released.changed.pk) if name == "pledge_detail" else api(name)
    n = released.release.number

    live = get(client, url)
    assert (live.json()["answered_from"], live.json()["release"], live["X-Tracker-Release"]) == (
        "live",
        None,
        "live",
    )
    for response in (get(client, url, release=n), get(client, f"/releases/{n}{url}")):
        body = response.json()
        assert (body["answered_from"], body["release"]) == ("release", release_field(released.release))
        assert response["X-Tracker-Release"] == str(n)
        assert response["Cache-Control"] == IMMUTABLE
    # The release's page in the answer's language.
    ukrainian = get(client, url, release=n, lang="uk").json()
    assert ukrainian["release"] == release_field(released.release, "/uk")


def test_answers_at_a_release_validate_against_the_schema(client, released):
    document = client.get(api("openapi")).json()
    components = {"components": document["components"]}
    n = released.release.number
    header = document["paths"]["/api/v1/pledges/"]["get"]["responses"]["200"]["headers"]["X-Tracker-Release"]
    for path, url in (
        ("/api/v1/", api("index")),
        ("/api/v1/pledges/", api("pledge_list")),
        ("/api/v1/pledges/{pk}/", api("pledge_detail", released.withdrawn.pk)),
        ("/api/v1/members/", api("member_list")),
    ):
        response = get(client, url, release=n)
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(
            response.json(),
            {**schema, **components},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        jsonschema.validate(response["X-Tracker-Release"], header["schema"])
    parameter = {p["name"]: p for p in document["paths"]["/api/v1/pledges/{pk}/"]["get"]["parameters"]}[
        "release"
    ]
    assert parameter["schema"] == {"type": "integer", "minimum": 1}
    assert "404" in document["paths"]["/api/v1/pledges/"]["get"]["responses"]


# --- Links -----------------------------------------------------------------------------------------


def test_links_in_an_answer_at_a_release_stay_at_it_and_can_be_followed(client, released):
    n = released.release.number
    prefix = f"{SITE}/releases/{n}/"
    first = get(client, api("pledge_list"), release=n, page_size=2).json()
    assert first["next"] == f"{prefix}api/v1/pledges/?page_size=2&page=2"
    row = first["results"][0]
    assert row["url"].startswith(f"{prefix}api/v1/") and row["web_url"].startswith(prefix)
    assert all(link.startswith(prefix) for link in (row["members"][0]["url"], row["pledge_type"]["url"]))

    # Page after page, the whole list at the release, and nothing else.
    assert all_ids(client, api("pledge_list"), release=n, page_size=7) == released.released_ids
    second = get(client, first["next"])
    assert second["X-Tracker-Release"] == str(n) and second.json()["previous"].startswith(prefix)

    # The withdrawn pledge's links lead to it as it was, in the API and on the site.
    withdrawn = get(client, api("pledge_detail", released.withdrawn.pk), release=n).json()
    followed = get(client, withdrawn["url"])
    assert followed["X-Tracker-Release"] == str(n) and followed.json() == withdrawn
    page = client.get(withdrawn["web_url"])
    assert page.status_code == 200 and page["X-Tracker-Release"] == str(n)
    member = get(client, withdrawn["members"][0]["url"]).json()
    assert member["answered_from"] == "release" and member["pledges_url"].startswith(prefix)

    index = get(client, api("index"), release=n).json()
    assert all(url.startswith(prefix) for url in index["endpoints"].values())
    assert get(client, index["endpoints"]["pledges"]).json()["count"] == len(released.released_ids)


def test_links_keep_the_language_asked_for_at_the_release(client, released):
    n = released.release.number
    body = get(client, api("pledge_list"), release=n, lang="uk", page_size=2).json()
    assert body["language"] == "uk"
    assert body["next"] == f"{SITE}/releases/{n}/api/v1/pledges/?lang=uk&page_size=2&page=2"
    assert body["results"][0]["url"].endswith("?lang=uk")
    assert body["results"][0]["web_url"].startswith(f"{SITE}/releases/{n}/uk/")


# --- Bad numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "1e3"])
@pytest.mark.parametrize("name", ["index", "pledge_list", "member_detail"])
def test_a_release_that_is_not_a_number_from_1_is_a_400_naming_it(client, small_release, value, name):
    _release, pledge = small_release
    url = api(name, pledge.lead.slug) if name == "member_detail" else api(name)
    body = get(client, url, release=value, expect=400).json()
    assert list(body["errors"]) == ["release"]
    assert "whole number from 1" in body["errors"]["release"][0]


def test_a_bad_release_is_named_with_the_other_bad_parameters(client, small_release):
    body = get(client, api("pledge_list"), release="x", has_money="maybe", expect=400).json()
    assert set(body["errors"]) == {"release", "has_money"}


def test_a_release_never_cut_is_a_404_saying_which_is_the_latest(client, small_release):
    release, pledge = small_release
    for url in (api("pledge_list"), api("pledge_detail", pledge.pk), api("index")):
        for value in (release.number + 1, 10**12):
            body = get(client, url, release=value, expect=404).json()
            assert body == {"error": f"There is no release {value}: the latest is release {release.number}."}


def test_an_address_at_a_release_takes_no_other_release(client, small_release):
    n = small_release[0].number
    url = f"/releases/{n}{api('pledge_list')}"
    assert get(client, url, release=n).json()["release"]["number"] == n
    body = get(client, url, release=n + 1, expect=400).json()
    assert list(body["errors"]) == ["release"]


def test_an_empty_release_is_the_live_data(client, small_release):
    response = get(client, api("pledge_list"), release="")
    assert response["X-Tracker-Release"] == "live" and response.json()["release"] is None


# --- Caching and queries ---------------------------------------------------------------------------


def test_the_page_cache_keeps_releases_and_the_live_data_apart(client, released, settings):
    settings.PAGE_CACHE_SECONDS = 600
    n = released.release.number
    url = api("pledge_detail", released.changed.pk)
    first_live, first_release = get(client, url), get(client, url, release=n)
    assert (first_live["X-Cache"], first_release["X-Cache"]) == ("miss", "miss")
    again_live, again_release = get(client, url), get(client, url, release=n)
    assert (again_live["X-Cache"], again_release["X-Cache"]) == ("hit", "hit")
    assert again_live.json()["summary"] == CHANGED_SUMMARY
    assert again_release.json()["summary"] == released.old_summary
    assert "immutable" not in again_live["Cache-Control"]
    assert again_release["Cache-Control"] == IMMUTABLE

    # A later change shows live at once; the release is as it was.
    released.changed.summary = "Changed again."
    released.changed.save()
    assert get(client, url).json()["summary"] == "Changed again."
    assert get(client, url, release=n).json()["summary"] == released.old_summary


def test_every_list_at_a_release_answers_in_as_many_queries_whatever_its_size(client, released, settings):
    """Counted on both databases: the site's (the data's version, the release) and the release's own."""
    settings.PAGE_CACHE_SECONDS = 0
    n = released.release.number
    release_connection = connections[release_database(released.release)]

    def queries(name: str, page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as site, CaptureQueriesContext(release_connection) as release:
            body = get(client, api(f"{name}_list"), release=n, page_size=page_size).json()
        assert len(body["results"]) == min(page_size, body["count"]) > 0
        return len(site), len(release)

    for name in LISTS:
        assert queries(name, 1) == queries(name, 500), name
