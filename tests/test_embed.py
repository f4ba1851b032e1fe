"""Reuse on other sites: the embeddable member page, the SVG card, oEmbed and the "Embed this" and
"Cite this" panels."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from pledges.models import Pledge
from pledges.views.embed import EMBED_PER_TYPE, embed_snippet
from tests.conftest import make_member, make_pledge, make_source, make_type

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Co'


def embed_url(member, **query) -> str:
    url = reverse("pledges:member_embed", args=[member.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


class Links(HTMLParser):
    """Every <a> of a page with its attributes."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def embed_empty_text(content: str) -> str:
    """What the embed says in place of pledges when it has none to show."""
    found = re.search(r'<p class="embed-empty">(.*?)</p>', content, re.S)
    assert found, "the embed does not say that it has nothing to show"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def links_of(content: str) -> list[dict]:
    parser = Links()
    parser.feed(content)
    return parser.links


@pytest.fixture
def france():
    member = make_member(name="France", slug="france")
    troops = make_type(name="Troops", slug="troops", order=1)
    air = make_type(name="Air policing", slug="air-policing", order=2)
    make_pledge(
        member=member,
        pledge_type=troops,
        status="committed",
        summary="Ready to send a reassurance force.",
        conditions="After a ceasefire.",
        quantity=2000,
        quantity_unit="soldiers",
        citation_source=make_source(title="Élysée statement", url="https://example.org/elysee"),
    )
    make_pledge(
        member=member,
        pledge_type=air,
        status="willing",
        summary="Open to air policing over western Ukraine.",
        citation_source=make_source(title="Archived live blog", url=""),
    )
    make_pledge(
        member=member, pledge_type=air, status="proposed", summary="Secret draft.", is_published=False
    )
    return member


# --- The embed page ------------------------------------------------------------------------------------


def test_embed_page_shows_published_pledges_by_type_with_status_text_and_icon(client, france):
    response = client.get(embed_url(france))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Troops") < content.index("Air policing")
    assert "Ready to send a reassurance force." in content
    assert "Conditions: After a ceasefire." in content
    assert "2,000 soldiers" in content
    assert re.search(
        r'class="status status-committed"><span class="status-icon" aria-hidden="true">●</span>\s*'
        r"Committed",
        content,
    )
    assert re.search(r"◐</span>\s*Willing", content)
    assert "Data as of" in content and "<time datetime=" in content


def test_draft_pledges_are_not_shown_in_the_embed(client, france):
    content = client.get(embed_url(france)).content.decode()
    assert "Secret draft." not in content
    assert "Proposed" not in content


def test_embed_footer_links_back_to_the_member_page_and_the_sources_in_a_new_tab(client, france):
    content = client.get(embed_url(france)).content.decode()
    links = links_of(content)
    hrefs = [link["href"] for link in links]
    assert "http://testserver/members/france/" in hrefs
    # Every source is linked to its page on the tracker, where the quotes stand in the archived
    # text, whether or not the document has an address of its own.
    unaddressed = Pledge.objects.get(summary__startswith="Open to").citations.get().source
    assert f"http://testserver/sources/{unaddressed.slug}/" in hrefs
    assert "https://example.org/elysee" not in hrefs
    assert links and all(link.get("target") == "_blank" and link.get("rel") == "noopener" for link in links)


def test_embed_is_standalone_with_its_own_css_and_no_form(client, france):
    content = client.get(embed_url(france)).content.decode()
    assert "/static/css/embed.css" in content
    assert "/static/js/embed.js" in content
    assert "/static/css/site.css" not in content
    assert "<form" not in content and "csrfmiddlewaretoken" not in content


def test_embed_sets_no_cookie_and_does_not_vary_on_cookies(client, france):
    response = client.get(embed_url(france))
    assert response.cookies == {} or not any(response.cookies.values())
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers


def test_embed_can_show_only_some_types_comma_separated_or_repeated(client, france):
    content = client.get(embed_url(france, types="air-policing")).content.decode()
    assert "Open to air policing" in content
    assert "reassurance force" not in content
    for query in ("?types=air-policing,troops", "?types=air-policing&types=troops"):
        content = client.get(embed_url(france) + query).content.decode()
        assert "Open to air policing" in content and "reassurance force" in content


def test_embed_says_so_when_no_pledge_of_the_chosen_type_is_recorded(client, france):
    make_type(name="Funding", slug="funding")
    content = client.get(embed_url(france, types="funding")).content.decode()
    empty = embed_empty_text(content)
    assert "No published" in empty and "this type" in empty and "France" in empty
    assert 'class="embed-pledge ' not in content


def test_unknown_pledge_type_is_a_400_with_a_message(client, france):
    response = client.get(embed_url(france, types="troops,nonsense"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Unknown pledge type: nonsense." in content
    assert "troops" in content  # the known slugs are listed
    assert "reassurance force" not in content


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_embed_theme_sets_the_page_class(client, france, theme):
    response = client.get(embed_url(france, theme=theme))
    assert response.status_code == 200
    assert f'<html lang="en" class="theme-{theme}">' in response.content.decode()


def test_an_unknown_theme_is_a_400_with_a_message(client, france):
    response = client.get(embed_url(france, theme="neon"))
    assert response.status_code == 400
    assert "Choose theme=light or theme=dark, not “neon”." in html.unescape(response.content.decode())


def test_unknown_member_embed_and_card_are_404(client, db):
    assert client.get(reverse("pledges:member_embed", args=["nobody"])).status_code == 404
    assert client.get(reverse("pledges:member_card", args=["nobody"])).status_code == 404


def test_a_member_without_published_pledges_gets_an_empty_embed(client, db):
    member = make_member(name="Iceland")
    content = client.get(embed_url(member)).content.decode()
    empty = embed_empty_text(content)
    assert "No published" in empty and "Iceland" in empty
    assert 'class="embed-pledge ' not in content


def test_only_the_embed_page_may_be_framed(client, france):
    embed = client.get(embed_url(france))
    assert "X-Frame-Options" not in embed.headers
    assert csp(embed)["frame-ancestors"] == ["*"]
    # Everything else of the policy stays strict: no inline script or style.
    assert csp(embed)["script-src"] == ["'self'"] and csp(embed)["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in embed.headers["Content-Security-Policy"]

    country = client.get(france.get_absolute_url())
    assert country.status_code == 200
    assert country.headers["X-Frame-Options"] == "DENY"
    assert csp(country)["frame-ancestors"] == ["'none'"]
    card = client.get(reverse("pledges:member_card", args=[france.slug]))
    assert card.headers["X-Frame-Options"] == "DENY"


def test_a_cached_embed_page_may_still_be_framed(client, france):
    first = client.get(embed_url(france))
    second = client.get(embed_url(france))
    assert second.headers.get("X-Cache") == "hit", first.headers
    assert "X-Frame-Options" not in second.headers
    assert csp(second)["frame-ancestors"] == ["*"]


def test_a_bad_embed_request_may_be_framed_too_so_the_host_sees_the_message(client, france):
    response = client.get(embed_url(france, theme="neon"))
    assert "X-Frame-Options" not in response.headers
    assert csp(response)["frame-ancestors"] == ["*"]


def test_hostile_text_is_escaped_in_the_embed(client, db):
    member = make_member(name=HOSTILE)
    make_pledge(member=member, summary=HOSTILE, conditions=HOSTILE, pledge_type=make_type(name=HOSTILE))
    content = client.get(embed_url(member)).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in content


def embed_queries(client, django_assert_num_queries, member, count, **query):
    # data version (page cache), member, the types, its pledges summed up (counts by type and status,
    # the strongest and the latest few of each type, those pledges with type, their parties with
    # members, their citations with sources and parts), data date; + the pledge types when named
    with django_assert_num_queries(count):
        response = client.get(embed_url(member, **query))
    assert response.status_code == 200
    return response


def test_embed_query_count_is_flat(client, django_assert_num_queries, db):
    member = make_member()
    types = [make_type(slug=f"kind-{n}") for n in range(3)]
    make_pledge(member=member, pledge_type=types[0])
    embed_queries(client, django_assert_num_queries, member, 10)
    embed_queries(client, django_assert_num_queries, member, 11, types="kind-0")
    for n in range(30):
        make_pledge(member=member, pledge_type=types[n % 3], summary=f"Pledge {n}")
    response = embed_queries(client, django_assert_num_queries, member, 10)
    # Short whatever the number of pledges: a few of each of the three types.
    shown = response.content.decode().count('class="embed-pledge ')
    assert 3 <= shown <= 3 * 2 * EMBED_PER_TYPE
    embed_queries(client, django_assert_num_queries, member, 11, types="kind-0,kind-1")


# --- The SVG card ---------------------------------------------------------------------------------------


def test_card_is_an_svg_of_commitments_by_type_and_status(client, france):
    response = client.get(reverse("pledges:member_card", args=[france.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    content = response.content.decode()
    assert content.startswith("<?xml")
    root = ET.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "France" in texts
    assert "Troops" in texts and "● committed" in texts
    assert "Air policing" in texts and "◐ willing" in texts  # the draft "proposed" is left out
    assert "○ proposed" not in content
    footer = texts[-1]
    assert "Data as of" in footer and settings.SITE_URL in footer
    assert "style" not in content  # presentation attributes only


def test_card_counts_several_pledges_of_one_status(client, db):
    member = make_member(name="Norway")
    funding = make_type(name="Funding")
    for _ in range(3):
        make_pledge(member=member, pledge_type=funding, status="delivered", summary=f"Paid {_}")
    content = client.get(reverse("pledges:member_card", args=[member.slug])).content.decode()
    assert "✔ delivered ×3" in content


def test_hostile_text_is_escaped_in_the_card(client, db):
    member = make_member(name=HOSTILE)
    make_pledge(member=member, pledge_type=make_type(name=HOSTILE))
    content = client.get(reverse("pledges:member_card", args=[member.slug])).content.decode()
    assert "<script>" not in content
    ET.fromstring(content)  # still well-formed XML


def test_card_query_count_is_flat(client, django_assert_num_queries, db):
    # data version (page cache), member, counts per type and status, data date
    member = make_member()
    make_pledge(member=member)
    with django_assert_num_queries(4):
        client.get(reverse("pledges:member_card", args=[member.slug]))
    for n in range(20):
        make_pledge(member=member, summary=f"Pledge {n}")
    with django_assert_num_queries(4):
        client.get(reverse("pledges:member_card", args=[member.slug]))


# --- oEmbed ---------------------------------------------------------------------------------------------


def oembed(client, **params):
    return client.get(reverse("pledges:oembed"), params)


def test_oembed_describes_a_member_page_as_rich_html(client, france):
    response = oembed(client, url=settings.SITE_URL + france.get_absolute_url(), format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["provider_name"] == "Ukraine security guarantees tracker"
    assert data["provider_url"] == "http://testserver/"
    assert data["title"] == "France: pledges to Ukraine’s security"
    assert data["width"] == 600 and data["height"] == 480
    assert data["html"].startswith('<iframe src="http://testserver/members/france/embed/"')
    assert 'width="600" height="480" loading="lazy" data-tracker-embed></iframe>' in data["html"]
    assert data["html"].endswith('<script src="http://testserver/static/js/embed-host.js" async></script>')


def test_oembed_accepts_the_address_the_request_came_to(client, france):
    response = oembed(client, url="http://testserver/members/france/")
    assert response.status_code == 200


def test_oembed_respects_maxwidth_and_maxheight(client, france):
    data = oembed(client, url="http://testserver/members/france/", maxwidth="320", maxheight="200").json()
    assert (data["width"], data["height"]) == (320, 200)
    assert 'width="320" height="200"' in data["html"]
    data = oembed(client, url="http://testserver/members/france/", maxwidth="2000").json()
    assert data["width"] == 600


def test_oembed_without_url_is_a_400_json_error(client, db):
    response = oembed(client)
    assert response.status_code == 400
    assert response.json()["error"] == "The url parameter is required: the address of a member page."


@pytest.mark.parametrize("value", ["wide", "-5", "0"])
def test_oembed_refuses_a_bad_maxwidth(client, france, value):
    response = oembed(client, url="http://testserver/members/france/", maxwidth=value)
    assert response.status_code == 400
    assert "maxwidth must be a positive whole number" in response.json()["error"]


def test_oembed_xml_is_not_implemented(client, france):
    response = oembed(client, url="http://testserver/members/france/", format="xml")
    assert response.status_code == 501
    assert response.json()["error"] == "Only format=json is available."


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/members/france/",  # another site
        "http://testserver/members/nobody/",  # no such member
        "http://testserver/pledges/",  # not a member page
        "http://testserver/members/france/embed/",
        "javascript:alert(1)",
    ],
)
def test_oembed_answers_404_for_anything_but_a_member_page_here(client, france, url):
    response = oembed(client, url=url)
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_hostile_member_name_is_escaped_in_oembed_html(client, db):
    member = make_member(name=HOSTILE)
    data = oembed(client, url=f"http://testserver/members/{member.slug}/").json()
    assert "<script>alert" not in data["html"]
    assert 'title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co: pledges' in data["html"]
    assert data["title"].startswith(HOSTILE)  # JSON string, escaped by whoever puts it in HTML


# --- The panels on the country page ----------------------------------------------------------------------


def render_partial(name: str, path: str, **context) -> str:
    request = RequestFactory().get(path)
    return render_to_string(f"pledges/includes/{name}", context, request=request)


def test_embed_panel_offers_the_escaped_iframe_code_to_copy(db):
    member = make_member(name=HOSTILE, slug="hostile")
    content = render_partial("_embed_panel.html", "/members/hostile/", member=member)
    textarea = re.search(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", content, re.S)
    assert textarea, content
    assert "<" not in textarea.group(1)  # escaped, so the page shows the code rather than running it
    request = RequestFactory().get("/members/hostile/")
    assert html.unescape(textarea.group(1)) == embed_snippet(request, member)
    assert html.unescape(textarea.group(1)).startswith(
        '<iframe src="http://testserver/members/hostile/embed/" title="&lt;script&gt;'
    )
    assert 'width="100%" height="480" loading="lazy" data-tracker-embed' in html.unescape(textarea.group(1))
    assert re.search(
        r'<button type="button" class="copy-button" data-copy-target="embed-code-hostile" hidden>', content
    )
    assert '<script src="/static/js/copy.js" defer></script>' in content
    assert 'href="/members/hostile/card.svg"' in content
    assert (
        f'href="/oembed/?url={quote("http://testserver/members/hostile/", safe="")}&amp;format=json"'
        in content
    )


def test_the_country_page_carries_the_panels_and_discovery_links(client, france):
    content = client.get(france.get_absolute_url()).content.decode()
    assert "Embed this" in content and "Cite this page" in content
    assert '<link rel="alternate" type="application/atom+xml"' in content
    assert 'href="/feeds/members/france.atom"' in content
    oembed_link = re.search(
        r'<link rel="alternate" type="application/json\+oembed"[^>]*href="([^"]+)"', content
    )
    assert oembed_link
    discovered = html.unescape(oembed_link.group(1))
    assert discovered.startswith("http://testserver/oembed/?url=")
    assert client.get(discovered).json()["title"] == "France: pledges to Ukraine’s security"


def test_cite_this_gives_title_site_address_and_todays_date(db):
    content = render_partial("_cite_this.html", "/members/france/?x=1", cite_title="France")
    today = timezone.localdate()
    expected = (
        # The address is the site's public one (SITE_URL), whatever host the request named.
        f"France. Ukraine security guarantees tracker. http://127.0.0.1:8000/members/france/?x=1. "
        f"Accessed {today.day} {today:%B %Y}."
    )
    assert expected in html.unescape(content)
    assert 'data-copy-target="citation-text" hidden' in content


def test_cite_this_falls_back_to_the_member_name_and_escapes_it(db):
    member = make_member(name=HOSTILE)
    content = render_partial("_cite_this.html", "/members/x/", member=member)
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co. Ukraine security" in content


def test_feed_links_on_a_pledge_page_name_its_member_and_type_feeds(db):
    pledge = make_pledge(member=make_member(slug="italy"), pledge_type=make_type(slug="troops"))
    content = render_partial("_feed_links.html", "/pledges/1/", pledge=pledge)
    assert 'href="/feeds/members/italy.atom"' in content
    assert 'href="/feeds/types/troops.atom"' in content


def test_embed_date_is_the_data_date(client, france):
    Pledge.objects.by_party(france).update(updated_at=timezone.make_aware(timezone.datetime(2026, 3, 2)))
    content = client.get(embed_url(france)).content.decode()
    assert "2 March 2026" in content
    assert date(2026, 3, 2).isoformat() in content


# --- Joint pledges ----------------------------------------------------------------------------------


@pytest.fixture
def joint_pledge(db):
    uk = make_member(name="United Kingdom", slug="united-kingdom", country="GB")
    france = make_member(name="France", slug="france")
    make_pledge(
        members=[uk, france],
        pledge_type=make_type(name="Troops", slug="troops"),
        status="committed",
        summary="Will lead a reassurance force together.",
    )
    return uk, france


def test_a_joint_pledge_is_in_each_partys_embed_jointly_with_the_other(client, joint_pledge):
    for member, other in (joint_pledge, joint_pledge[::-1]):
        content = html.unescape(client.get(embed_url(member)).content.decode())
        assert content.count('class="embed-pledge ') == 1
        assert "Will lead a reassurance force together." in content
        assert re.search(rf"jointly with\s*(<[^>]+>\s*)*{other.name}", content, re.I), member
        # The partner's link opens on this site, outside the iframe.
        partner = next(
            link for link in links_of(content) if link.get("href", "").endswith(other.get_absolute_url())
        )
        assert partner["href"].startswith("http://testserver/") and partner.get("target") == "_blank"


def test_a_joint_pledge_is_on_each_partys_card(client, joint_pledge):
    for member in joint_pledge:
        content = client.get(reverse("pledges:member_card", args=[member.slug])).content.decode()
        texts = [el.text for el in ET.fromstring(content).iter("{http://www.w3.org/2000/svg}text")]
        assert member.name in texts
        assert "Troops" in texts and "● committed" in texts, member
