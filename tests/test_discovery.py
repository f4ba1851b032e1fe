"""Link previews and discovery: canonical links and Open Graph / Twitter tags on every public page, the
PNG card they show, sitemap.xml, robots.txt and the favicon."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from pledges import cards
from pledges.cards import MARGIN_RIGHT, Card, draw_card
from pledges.models import STATUS_ICONS, Citation, Pledge
from pledges.sitemaps import PledgeSitemap
from pledges.templatetags import previews
from tests.conftest import make_many_pledges, make_member, make_pledge, make_source, make_type
from tests.public_urls import HTML_PAGES, Sample

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.org"
HOSTILE_NAME = 'Quote "Land" & <Co>'
HOSTILE_SUMMARY = 'Will send "all" ships & <b>planes</b> at once.'
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def public_address(settings):
    """The site's public address differs from the host the test client names (testserver)."""
    settings.SITE_URL = SITE


class HeadTags(HTMLParser):
    """The <link rel="canonical"> addresses and the <meta property|name> contents of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.icons: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        if tag == "link" and attrs.get("rel") == "icon":
            self.icons.append(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))


def head_tags(response) -> HeadTags:
    parser = HeadTags()
    parser.feed(response.content.decode())
    return parser


def one(tags: HeadTags, name: str) -> str:
    values = tags.meta.get(name, [])
    assert len(values) == 1, (name, values)
    return values[0]


@pytest.fixture
def sample(db) -> Sample:
    """One of everything, named with quotes, an ampersand and angle brackets."""
    sample = Sample.build(
        member=make_member(name=HOSTILE_NAME, slug="quote-land"),
        summary=HOSTILE_SUMMARY,
        conditions="After a ceasefire & <only> then.",
        pledge_type=make_type(name="Ships & planes", slug="ships"),
    )
    return sample


PAGES = {
    "overview": lambda s: reverse("pledges:overview"),
    "member_list": lambda s: reverse("pledges:member_list"),
    "member_detail": lambda s: reverse("pledges:member_detail", args=[s.member.slug]),
    "pledge_list": lambda s: reverse("pledges:pledge_list"),
    "pledge_detail": lambda s: reverse("pledges:pledge_detail", args=[s.pledge.pk]),
    "type_detail": lambda s: reverse("pledges:type_detail", args=[s.pledge_type.slug]),
    "source_list": lambda s: reverse("pledges:source_list"),
    "source_detail": lambda s: reverse("pledges:source_detail", args=[s.source.slug]),
    "meeting_list": lambda s: reverse("pledges:meeting_list"),
    "change_list": lambda s: reverse("pledges:change_list"),
    "about": lambda s: reverse("pledges:about"),
    "api_docs": lambda s: reverse("pledges:api_docs"),
    "download": lambda s: reverse("pledges:download"),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_has_one_canonical_link_and_preview_tags_with_absolute_addresses(
    client, sample, page
):
    path = PAGES[page](sample)
    response = client.get(path)
    assert response.status_code == 200
    tags = head_tags(response)

    assert tags.canonical == [SITE + path]
    assert one(tags, "og:url") == SITE + path
    assert one(tags, "og:type") == "website"
    assert one(tags, "og:site_name") == "Ukraine security guarantees tracker"
    assert one(tags, "og:title") and one(tags, "og:title") == one(tags, "twitter:title")
    description = one(tags, "og:description")
    assert len(description) > 40 and description == one(tags, "twitter:description")
    assert one(tags, "twitter:card") == "summary_large_image"
    image = one(tags, "og:image")
    assert image.startswith(SITE + "/") and image.endswith(".png") and image == one(tags, "twitter:image")
    assert (one(tags, "og:image:width"), one(tags, "og:image:height")) == ("1200", "630")
    assert one(tags, "og:image:alt")


def test_every_html_page_of_the_site_has_a_description_of_its_own():
    # The embed is framed on other sites: its canonical link names the country page instead.
    assert HTML_PAGES - {"member_embed"} <= set(previews.PAGES)


def test_preview_text_is_escaped_and_reads_back_as_written(client, sample):
    response = client.get(sample.member.get_absolute_url())
    head = response.content.decode().split("</head>")[0]
    assert "<Co>" not in head
    assert 'content="Quote &quot;Land&quot; &amp; &lt;Co&gt;: pledges to Ukraine’s security"' in head
    assert one(head_tags(response), "og:title") == f"{HOSTILE_NAME}: pledges to Ukraine’s security"

    response = client.get(sample.pledge.get_absolute_url())
    head = response.content.decode().split("</head>")[0]
    assert "<b>" not in head and "<only>" not in head
    tags = head_tags(response)
    assert one(tags, "og:title") == f"{HOSTILE_NAME}: Ships & planes (committed)"
    assert (
        one(tags, "og:description")
        == f"Committed: {HOSTILE_SUMMARY} Conditions: After a ceasefire & <only> then."
    )


def test_descriptions_are_drawn_from_the_page_data(client, db):
    france = make_member(name="France", slug="france")
    troops, air = make_type(name="Troops"), make_type(name="Air policing")
    make_pledge(member=france, pledge_type=troops, status="committed")
    make_pledge(member=france, pledge_type=air, status="willing", summary="Might patrol.")
    make_pledge(member=france, pledge_type=air, status="ruled-out", summary="No jets.")
    make_pledge(member=france, pledge_type=troops, status="delivered", summary="Draft.", is_published=False)

    member = one(head_tags(client.get("/members/france/")), "og:description")
    assert member == (
        "What France pledged to Ukraine’s security: 2 offers (Troops and Air policing) and 1 stance, "
        "each with its source."
    )
    overview = one(head_tags(client.get("/")), "og:description")
    assert overview.startswith("2 offers and 1 stance by 1 member")
    listing = one(head_tags(client.get("/pledges/?type=" + troops.slug)), "og:description")
    assert listing.startswith("1 pledge matching these filters")


def test_country_and_pledge_pages_show_the_members_png_card_others_the_site_preview(client, sample):
    card = SITE + reverse("pledges:member_card_png", args=[sample.member.slug])
    assert one(head_tags(client.get(sample.member.get_absolute_url())), "og:image") == card
    assert one(head_tags(client.get(sample.pledge.get_absolute_url())), "og:image") == card
    assert one(head_tags(client.get("/about/")), "og:image") == SITE + "/static/img/preview.png"
    site_preview = Image.open(django_settings.BASE_DIR / "static" / "img" / "preview.png")
    assert (site_preview.format, site_preview.size) == ("PNG", (1200, 630))


def test_a_filtered_list_is_canonical_with_its_filters_only_in_a_stable_order(client, sample):
    troops, ships = make_type(slug="troops"), sample.pledge_type.slug
    response = client.get(
        f"/pledges/?type={ships}&status=committed&type={troops.slug}&page=1&format=html"
        "&ordering=-announced&utm_source=news&q="
    )
    assert response.status_code == 200
    assert head_tags(response).canonical == [f"{SITE}/pledges/?status=committed&type={ships}&type=troops"]
    # The same listing asked for in another order has the same canonical address.
    again = client.get(f"/pledges/?type=troops&status=committed&type={ships}")
    assert head_tags(again).canonical == head_tags(response).canonical


def test_bad_input_and_missing_pages_have_no_canonical_link_or_preview(client, sample):
    bad = client.get("/pledges/?status=nonsense")
    assert bad.status_code == 400
    assert head_tags(bad).canonical == [] and "og:title" not in head_tags(bad).meta
    missing = client.get("/members/nobody/")
    assert missing.status_code == 404
    assert head_tags(missing).canonical == [] and "og:url" not in head_tags(missing).meta


def test_the_embed_is_canonical_to_the_member_page_on_the_public_address(client, sample):
    response = client.get(reverse("pledges:member_embed", args=[sample.member.slug]))
    assert head_tags(response).canonical == [SITE + sample.member.get_absolute_url()]


# --- The PNG card -----------------------------------------------------------------------------------------


def get_card(client, member):
    return client.get(reverse("pledges:member_card_png", args=[member.slug]))


def test_the_card_png_is_a_1200_by_630_png_that_changes_with_the_data(client, db):
    member = make_member(name="Norway")
    funding = make_type(name="Funding")
    make_pledge(member=member, pledge_type=funding, status="willing")
    response = get_card(client, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))

    make_pledge(member=member, pledge_type=funding, status="delivered", summary="Paid.")
    changed = get_card(client, member)
    assert changed.content != response.content
    assert changed["ETag"] != response["ETag"]


def test_the_card_png_answers_conditional_requests_and_is_drawn_once(client, db, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0  # even without the page cache, the same card is not drawn again
    drawn = []
    monkeypatch.setattr(cards, "draw_card", lambda card: drawn.append(card) or b"\x89PNG drawn")
    member = make_member()
    make_pledge(member=member)
    first = get_card(client, member)
    assert first["ETag"] and first["Last-Modified"] and "public" in first["Cache-Control"]
    get_card(client, member)
    assert len(drawn) == 1
    not_modified = client.get(
        reverse("pledges:member_card_png", args=[member.slug]), headers={"if-none-match": first["ETag"]}
    )
    assert not_modified.status_code == 304


def test_a_long_name_and_long_types_stay_inside_the_card(db):
    card = Card(
        name="The United Kingdom of Great Britain and Northern Ireland & the Coalition of the Willing "
        "Об’єднане Королівство Великої Британії та Північної Ірландії",
        offers=tuple(
            (f"An uncommonly long kind of help, number {n}, with many words", "● committed ×12, ◐ willing ×3")
            for n in range(30)
        ),
        stances=(("Troops on the ground in every region", "✕ ruled out, ? reservations"),),
        as_of=None,
        site_name="Ukraine security guarantees tracker",
        site_address="tracker.example.org",
    )
    image = Image.open(io.BytesIO(draw_card(card))).convert("L")
    assert image.size == (1200, 630)
    # Nothing is drawn in the right margin: every text was cut to the width it has.
    margin = image.crop((1200 - MARGIN_RIGHT + 4, 0, 1200, 630))
    assert margin.getextrema() == (255, 255)


def test_the_name_shrinks_to_fit_and_is_cut_with_an_ellipsis_only_when_it_cannot(db):
    lines, whole = cards.wrap(
        "Об’єднане Королівство Великої Британії", cards.font(True, 64), cards.TEXT_WIDTH, 2
    )
    assert whole and " ".join(lines) == "Об’єднане Королівство Великої Британії"
    lines, whole = cards.wrap("word " * 80, cards.font(True, 42), cards.TEXT_WIDTH, 2)
    assert not whole and len(lines) == 2 and lines[-1].endswith("…")
    assert all(cards.font(True, 42).getlength(line) <= cards.TEXT_WIDTH for line in lines)


def test_the_vendored_fonts_draw_every_ukrainian_letter_and_status_icon(db):
    letters = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгґдеєжзиіїйклмнопрстуфхцчшщьюя’"
    for bold in (False, True):
        face = cards.font(bold, 30)
        missing = bytes(face.getmask("\U000e0100"))  # a character no font has: the empty-box glyph
        assert [
            ch for ch in letters + "".join(STATUS_ICONS.values()) if bytes(face.getmask(ch)) == missing
        ] == []
    assert cards.REGULAR.is_relative_to(django_settings.BASE_DIR) and (cards.FONTS / "LICENSE").exists()


def test_card_png_query_count_is_flat(client, django_assert_num_queries, db):
    # data version (page cache), member, counts per type and status, data date
    member = make_member()
    make_pledge(member=member)
    with django_assert_num_queries(4):
        get_card(client, member)
    for n in range(20):
        make_pledge(member=member, pledge_type=make_type(), summary=f"Pledge {n}")
    with django_assert_num_queries(4):
        get_card(client, member)


def test_the_site_images_are_drawn_by_a_command(tmp_path):
    out = io.StringIO()
    call_command("draw_site_images", output=tmp_path, stdout=out)
    preview = Image.open(tmp_path / "preview.png")
    assert (preview.format, preview.size) == ("PNG", (1200, 630))
    icon = Image.open(tmp_path / "favicon.ico")
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


# --- sitemap.xml ----------------------------------------------------------------------------------------


def locations(response) -> dict[str, str | None]:
    root = ET.fromstring(response.content)
    return {
        entry.findtext("sm:loc", namespaces=SITEMAP_NS): entry.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for entry in root
    }


def set_history_date(model, when: datetime, **match) -> None:
    model.history.model.objects.filter(**match).update(history_date=when)


def test_the_sitemap_index_names_every_section_on_the_public_address(client, sample):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    sections = locations(response)
    for name in ("pages", "members", "pledges", "types", "sources"):
        assert f"{SITE}/sitemap-{name}.xml" in sections
    assert all(lastmod for lastmod in sections.values())


def test_the_sitemap_lists_published_pages_with_the_date_of_their_last_change(client, db):
    pledge = make_pledge(summary="Published.")
    draft = make_pledge(summary="A draft.", is_published=False)
    lonely = make_source(slug="cited-by-nobody")
    set_history_date(Pledge, datetime(2025, 3, 4, 12, tzinfo=UTC), id=pledge.pk)
    citation = pledge.citations.get()
    set_history_date(Citation, datetime(2025, 3, 6, 9, tzinfo=UTC), id=citation.pk)

    pledges = locations(client.get("/sitemap-pledges.xml"))
    assert pledges == {f"{SITE}/pledges/{pledge.pk}/": "2025-03-06"}  # its citation changed last
    members = locations(client.get("/sitemap-members.xml"))
    assert f"{SITE}{pledge.lead.get_absolute_url()}" in members
    assert f"{SITE}{draft.lead.get_absolute_url()}" not in members
    sources = locations(client.get("/sitemap-sources.xml"))
    assert f"{SITE}{citation.source.get_absolute_url()}" in sources
    assert f"{SITE}{lonely.get_absolute_url()}" not in sources
    assert f"{SITE}{draft.citations.get().source.get_absolute_url()}" not in sources
    types = locations(client.get("/sitemap-types.xml"))
    assert f"{SITE}{pledge.pledge_type.get_absolute_url()}" in types
    pages = locations(client.get("/sitemap-pages.xml"))
    assert f"{SITE}/" in pages and f"{SITE}/pledges/" in pages and f"{SITE}/about/" in pages
    assert pages[f"{SITE}/pledges/"]  # the data's version


def test_every_address_in_the_sitemap_answers_200(client, sample):
    for section in ("pages", "members", "pledges", "types", "sources"):
        for location in locations(client.get(f"/sitemap-{section}.xml")):
            assert client.get(location.removeprefix(SITE)).status_code == 200, location


def test_a_large_section_is_paged_and_the_index_names_every_page(client, db, monkeypatch):
    monkeypatch.setattr(PledgeSitemap, "limit", 2)
    make_many_pledges(5, members=2, types=1)
    index = locations(client.get("/sitemap.xml"))
    assert f"{SITE}/sitemap-pledges.xml?p=3" in index and f"{SITE}/sitemap-pledges.xml?p=4" not in index
    assert len(locations(client.get("/sitemap-pledges.xml?p=3"))) == 1
    assert client.get("/sitemap-pledges.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


# --- robots.txt and the favicon -------------------------------------------------------------------------


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin_and_exports(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Disallow: /{django_settings.ADMIN_PATH}" in lines
    assert "Disallow: /*?format=" in lines
    assert "Disallow: /members/" not in lines and "Disallow: /" not in lines


def test_the_favicon_is_a_real_ico_kept_for_a_day(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.content[:4] == b"\x00\x00\x01\x00"
    assert Image.open(io.BytesIO(response.content)).format == "ICO"
    assert re.search(r"max-age=\d{4,}", response["Cache-Control"])
    again = client.get("/favicon.ico", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_pages_name_one_icon_and_browsers_that_ask_for_favicon_ico_get_one_too(client, sample):
    # Browsers without SVG icons (and feed readers) ask for /favicon.ico by themselves.
    icons = head_tags(client.get("/")).icons
    assert [icon["href"] for icon in icons] == ["/static/img/favicon.svg"]
    assert client.get("/favicon.ico").status_code == 200


# --- Query counts ---------------------------------------------------------------------------------------


ROUTES = [
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-members.xml",
    "/sitemap-pledges.xml",
    "/sitemap-types.xml",
    "/sitemap-sources.xml",
    "/robots.txt",
    "/members/{member}/card.png",
]


@pytest.mark.parametrize("route", ROUTES)
def test_the_new_routes_answer_in_the_same_number_of_queries_with_few_or_many_rows(
    client, db, settings, route
):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for rows in (5, 120):
        Pledge.objects.all().delete()
        pledges = make_many_pledges(rows, members=max(2, rows // 10), types=4)
        for pledge in pledges[: max(1, rows // 10)]:
            pledge.summary += " (revised)"
            pledge.save()  # real history records
        url = route.format(member=pledges[0].lead.slug)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{route}: {counts[0]} queries with 5 rows, {counts[1]} with 120"
    assert counts[1] <= 12
