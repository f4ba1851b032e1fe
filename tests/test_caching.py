"""Conditional requests and the page cache: 304 answers, and a publish shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.services import publish_pledges
from tests.conftest import make_pledge

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/pledges/", "/pledges/?format=csv", "/pledges/?format=json", "/members/", "/api/v1/pledges/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_answers_carry_an_etag_and_last_modified_and_answer_304(client, url):
    make_pledge()
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "public, no-cache"

    by_tag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert by_tag.status_code == 304 and by_tag.content == b""
    assert by_date.status_code == 304
    assert by_tag["ETag"] == first["ETag"]


def test_a_304_costs_one_query_and_no_rendering(client):
    make_pledge()
    etag = client.get("/pledges/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/pledges/", headers={"If-None-Match": etag}).status_code == 304
    assert len(queries) == 1  # the data version


def test_a_cached_page_is_served_from_the_cache_in_one_query(client):
    make_pledge()
    assert client.get("/pledges/")["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/pledges/")
    assert again["X-Cache"] == "hit" and len(queries) == 1
    assert "Prepared to pay for two Patriot systems." in again.content.decode()


def test_publishing_changes_the_etag_and_shows_at_once(client, django_user_model):
    make_pledge(summary="Already public.")
    draft = make_pledge(summary="Just checked and published.", is_published=False)
    before = client.get("/pledges/")
    assert "Just checked and published." not in before.content.decode()

    editor = django_user_model.objects.create_user("editor", password="x")
    publish_pledges(type(draft).objects.filter(pk=draft.pk), editor)

    stale = client.get("/pledges/", headers={"If-None-Match": before["ETag"]})
    assert stale.status_code == 200  # the old tag no longer matches
    assert stale["ETag"] != before["ETag"]
    assert "Just checked and published." in stale.content.decode()
    assert "Just checked and published." in client.get(draft.get_absolute_url()).content.decode()


def test_an_edit_of_a_published_pledge_shows_at_once(client):
    pledge = make_pledge(summary="Two systems.")
    assert "Two systems." in client.get("/pledges/").content.decode()
    pledge.summary = "Three systems."
    pledge.save()
    page = client.get("/pledges/").content.decode()
    assert "Three systems." in page and "Two systems." not in page


def test_the_admin_and_bad_requests_are_never_cached(client, admin_client):
    make_pledge()
    assert "ETag" not in admin_client.get("/admin/")
    bad = client.get("/pledges/?status=bogus")
    assert bad.status_code == 400 and "X-Cache" not in bad


def test_the_page_cache_can_be_turned_off_and_304s_remain(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_pledge()
    first = client.get("/pledges/")
    assert "X-Cache" not in first
    assert client.get("/pledges/", headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_every_change_moves_the_data_version_forward_even_when_the_clock_does_not(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from pledges.caching import data_version
    from tests.conftest import make_meeting, make_member

    pledge = make_pledge()
    seen = [data_version()]
    frozen = timezone.now() - timedelta(days=1)  # a clock behind the last change, and stuck
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    pledge.summary = "Changed."
    pledge.save()
    seen.append(data_version())
    meeting = make_meeting()
    seen.append(data_version())
    meeting.hosts.add(make_member())  # a many-to-many change on its own
    seen.append(data_version())
    pledge.delete()
    seen.append(data_version())
    assert all(later > earlier for earlier, later in zip(seen, seen[1:], strict=False))


@pytest.mark.django_db
def test_the_data_version_is_one_query_whatever_the_history(django_assert_num_queries):
    from pledges.caching import data_version

    for _ in range(20):
        make_pledge()
    with django_assert_num_queries(1):
        assert data_version() is not None
