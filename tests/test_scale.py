"""What keeps the tracker cheap to read as it grows: compressed answers, downloads built once per data
version and sent as files (compressed once too), list exports streamed, and nothing a visitor can
make expensive by adding parameters."""

import gzip
import json

import brotli
import pytest
from django.urls import reverse

from pledges.models import Pledge
from pledges.services import publish_pledges
from pledges.views import downloads as downloads_view
from pledges.views.pledges import PledgeListView
from tests.conftest import body_of, make_count, make_many_pledges, make_pledge, make_source, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def downloads(settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.DOWNLOADS_DIR


def decoded(response) -> bytes:
    return decompress(body_of(response), response.get("Content-Encoding", ""))


def decompress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@pytest.mark.parametrize(
    "url", ["/", "/pledges/", "/api/v1/pledges/", "/feeds/pledges.atom", "/pledges/?format=csv"]
)
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_text_answers_are_compressed_as_the_client_accepts_and_read_the_same(client, url, encoding):
    make_many_pledges(30)
    plain = client.get(url)
    compressed = client.get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, identity")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in compressed["Vary"]
    plain_body, sent = body_of(plain), body_of(compressed)
    assert decompress(sent, encoding) == plain_body
    assert len(sent) < len(plain_body) / 2
    # Each encoding is its own representation, with its own validator.
    assert compressed["ETag"] != plain["ETag"]


def test_the_admin_is_never_compressed(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_the_json_download_is_built_once_per_data_version_and_sent_compressed_from_disk(
    client, downloads, monkeypatch
):
    make_many_pledges(20)
    builds = []
    build = downloads_view.build_json
    monkeypatch.setattr(downloads_view, "build_json", lambda path: builds.append(path) or build(path))
    first = client.get(reverse("pledges:download_json"))
    assert first.streaming  # a file sent from disk, not a body held in memory
    built = sorted(p.name for p in downloads.glob("tracker-*.json"))
    assert len(built) == 1
    plain = body_of(first)
    for encoding in ("br", "gzip"):
        response = client.get(reverse("pledges:download_json"), HTTP_ACCEPT_ENCODING=encoding)
        assert response["Content-Encoding"] == encoding
        assert decoded(response) == plain
    again = client.get(reverse("pledges:download_json"), HTTP_ACCEPT_ENCODING="br")
    assert decoded(again) == plain
    # One build, and one file per encoding for this version: nothing was built or compressed twice.
    assert len(builds) == 1
    assert sorted(p.name for p in downloads.iterdir() if not p.name.startswith(".")) == [
        built[0],
        built[0] + ".br",
        built[0] + ".gz",
    ]


def test_a_publish_makes_the_next_download_a_new_file_with_the_change(client, downloads, django_user_model):
    make_many_pledges(5)
    before = json.loads(body_of(client.get(reverse("pledges:download_json"))))
    draft = make_pledge(is_published=False, summary="A pledge published after the first download.")
    publish_pledges(Pledge.objects.filter(pk=draft.pk), django_user_model.objects.create(username="ed"))
    after = json.loads(decoded(client.get(reverse("pledges:download_json"), HTTP_ACCEPT_ENCODING="gzip")))
    assert len(after["pledges"]) == len(before["pledges"]) + 1
    assert len(list(downloads.glob("tracker-*.json"))) == 2


def test_old_download_files_are_removed_keeping_the_last_few(client, downloads, django_user_model):
    editor = django_user_model.objects.create(username="ed")
    for n in range(5):
        draft = make_pledge(is_published=False, summary=f"Pledge {n}.")
        publish_pledges(Pledge.objects.filter(pk=draft.pk), editor)
        client.get(reverse("pledges:download_json"), HTTP_ACCEPT_ENCODING="br")
    assert len(list(downloads.glob("tracker-*.json"))) == 3
    assert len(list(downloads.glob("tracker-*.json.br"))) == 3


def test_list_exports_stream_and_are_never_kept_whole_in_the_page_cache(client, settings):
    make_many_pledges(40)
    settings.PAGE_CACHE_MAX_BYTES = 10_000_000
    for output in ("csv", "json"):
        response = client.get(reverse("pledges:pledge_list"), {"format": output})
        assert response.streaming
        assert response.get("X-Cache") != "miss"  # not stored
        assert client.get(reverse("pledges:pledge_list"), {"format": output}).get("X-Cache") != "hit"


def test_parameters_a_page_does_not_read_share_one_cache_entry(client):
    make_many_pledges(5)
    first = client.get("/members/", {"utm_source": "newsletter"})
    second = client.get("/members/", {"anything": "else", "x": "1"})
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert first["ETag"] == second["ETag"]


def test_a_page_too_big_for_the_cache_is_sent_but_not_kept(client, settings):
    make_many_pledges(5)
    settings.PAGE_CACHE_MAX_BYTES = 100
    assert client.get("/pledges/")["X-Cache"] == "miss"
    assert client.get("/pledges/")["X-Cache"] == "miss"


@pytest.mark.parametrize("url", ["/download/pledges.csv", "/download/datapackage.json"])
def test_the_data_packages_files_are_sent_compressed_from_disk(client, downloads, url):
    make_many_pledges(20)
    plain = body_of(client.get(url))
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "br"
    assert decoded(response) == plain
    assert list(downloads.glob("*.br"))


@pytest.mark.parametrize("output", ["csv", "json"])
def test_the_unfiltered_export_is_built_once_and_a_filtered_one_streams(
    client, downloads, monkeypatch, output
):
    every_type = sorted({p.pledge_type.slug for p in make_many_pledges(12)})
    streamed = client.get(reverse("pledges:pledge_list"), {"format": output, "type": every_type})
    assert streamed.streaming and "Content-Encoding" not in streamed
    streamed_body = body_of(streamed)
    assert not list(downloads.glob(f"export-*.{output}"))
    whole = client.get(reverse("pledges:pledge_list"), {"format": output, "q": ""})  # empty: every row
    whole_body = body_of(whole)
    if output == "json":  # the same rows; only the filters named at the top differ
        assert json.loads(whole_body)["results"] == json.loads(streamed_body)["results"]
    else:
        assert whole_body == streamed_body
    assert len(whole_body) > 1000
    assert len(list(downloads.glob(f"export-pledges-*.{output}"))) == 1
    exports = []
    monkeypatch.setattr(PledgeListView, "export", lambda self, out: exports.append(out))
    again = client.get(reverse("pledges:pledge_list"), {"format": output}, HTTP_ACCEPT_ENCODING="gzip")
    assert exports == []  # sent from the file: nothing was rendered again
    assert gzip.decompress(body_of(again)) == whole_body


def test_the_overview_shows_a_bounded_number_of_headline_counts_and_says_how_many_there_are(client):
    for n in range(12):
        make_count(slug=f"count-many-{n}", number=n + 1)
    text = text_of(client.get("/"))
    assert "8 of 12 counts" in text
    assert text.count("countries in the Coalition of the Willing") == 8


def test_the_about_page_names_the_most_quoted_sources_and_links_to_all(client):
    for n in range(15):
        make_pledge(citation_source=make_source(title=f"Bulletin {n:02}"))
    busy = make_source(title="The busiest source")
    for _ in range(3):
        make_pledge(citation_source=busy)
    text = text_of(client.get(reverse("pledges:about")))
    assert "The 12 most quoted of the 16 sources in the dataset ( all 16 sources )" in text
    assert "The busiest source (3 quotes)" in text
    assert text.count("Bulletin") == 11


def test_the_latest_pledges_are_read_from_an_index_not_sorted_from_every_pledge():
    from django.db import connection
    from django.db.models import F

    make_many_pledges(30)
    latest = Pledge.objects.published().order_by(
        F("announced_on").desc(nulls_last=True), F("reported_on").desc(nulls_last=True), "-pk"
    )[:8]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = latest.explain()
        assert "pledge_published_recent" in plan and "Sort" not in plan
    else:
        plan = latest.explain()
        assert "pledge_published_recent" in plan and "TEMP B-TREE" not in plan
