"""Link previews: the canonical link, Open Graph and Twitter card tags of every public page.

`{% link_preview %}` in base.html describes the page from what its view already loaded (no query of
its own): a title, a description drawn from the page's data, the page's canonical address and an
image (a member's PNG card on its page and on its pledges' pages, else the site-wide preview).

Addresses are absolute on settings.SITE_URL, the site's public address, whichever host a request
came in on. The canonical address of a list page keeps only the filters that define what it lists
(each once, names and values in sorted order, empty ones dropped) and drops what only presents it:
the page number, the sort order, the page size and the export format, and anything else (utm_...).
A page answering bad input (a 400) and the error pages have neither canonical link nor preview.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language

from pledges.cards import HEIGHT, SITE_TAGLINE, WIDTH
from pledges.context_processors import SITE_NAME
from pledges.languages import OG_LOCALES, alternates, other_languages
from pledges.templatetags.tracker import and_join, parties_text
from pledges.translations import translated

register = template.Library()

DESCRIPTION_LENGTH = 300
# Filters that say how a listing is shown, not what it lists.
PRESENTATION_PARAMETERS = {"ordering", "page", "page_size", "format"}


@dataclass
class Preview:
    title: str
    description: str
    path: str
    query: str = ""
    image: str = ""  # a path on this site; the site-wide preview when empty
    image_alt: str = ""

    def context(self) -> dict:
        image = absolute(self.image or static("img/preview.png"))
        address = self.path + (f"?{self.query}" if self.query else "")
        language = get_language()
        return {
            "title": self.title,
            "description": Truncator(" ".join(self.description.split())).chars(DESCRIPTION_LENGTH),
            "url": absolute(address),
            # The same page in each language (the canonical address is in the page's own language).
            "alternates": alternates(address),
            "og_locale": OG_LOCALES[language],
            "og_locale_alternates": [OG_LOCALES[code] for code, _name in other_languages(language)],
            "image": image,
            "image_alt": self.image_alt or f"{SITE_NAME}: {SITE_TAGLINE}",
            "image_width": WIDTH,
            "image_height": HEIGHT,
            "site_name": SITE_NAME,
        }


def absolute(path: str) -> str:
    """An address on the site's public host (SITE_URL), whatever host the request named."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def listing_query(context) -> str:
    """The filters that define a list page's rows, as a stable query string (see the module's doc)."""
    filterset = context.get("filterset")
    if filterset is None:
        return ""
    pairs = []
    for name in sorted(set(filterset.filters) - PRESENTATION_PARAMETERS):
        for value in sorted(set(filterset.data.getlist(name))):
            if value.strip():
                pairs.append((name, value))
    return urlencode(pairs)


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def listing_total(context) -> int | None:
    page = context.get("page_obj")
    return page.paginator.count if page is not None else None


def card_image(member) -> tuple[str, str]:
    return (
        reverse("pledges:member_card_png", args=[member.slug]),
        f"{translated(member, 'name')}: pledges to Ukraine’s security by type of help and status",
    )


def overview(context) -> Preview:
    return Preview(
        "Security guarantees for Ukraine: who pledged what",
        f"{plural(context['offer_total'], 'offer')} and {plural(context['stance_total'], 'stance')} "
        f"by {plural(context['member_total'], 'member')} of the Coalition of the Willing and beside it, "
        f"from {plural(context['source_total'], 'source')}: each fact with a verbatim quote from its source.",
        reverse("pledges:overview"),
    )


def member_list(context) -> Preview:
    total = context.get("total_members")
    return Preview(
        "Members of the coalition and their pledges",
        (f"{plural(total, 'member')}: " if total is not None else "")
        + "countries, organisations, the coalition itself, Europe as a bloc and unnamed groups, with their "
        "pledges to Ukraine’s security by type and their strongest status, each with its source.",
        reverse("pledges:member_list"),
        listing_query(context),
    )


def member_detail(context) -> Preview:
    member, summary = context["member"], context["summary"]
    name = translated(member, "name")
    offered = [translated(group.pledge_type, "name") for group in summary.offers]
    if summary.offer_total or summary.stance_total:
        counts = []
        if summary.offer_total:
            kinds = and_join(offered[:6]) + (", …" if len(offered) > 6 else "")
            counts.append(f"{plural(summary.offer_total, 'offer')} ({kinds})")
        if summary.stance_total:
            counts.append(plural(summary.stance_total, "stance"))
        text = f"What {name} pledged to Ukraine’s security: {' and '.join(counts)}, each with its source."
    else:
        text = f"{name}: no published pledge to Ukraine’s security recorded yet."
    image, alt = card_image(member)
    return Preview(f"{name}: pledges to Ukraine’s security", text, member.get_absolute_url(), "", image, alt)


def pledge_list(context) -> Preview:
    chosen = [
        str(option["label"])
        for name in ("type_options", "status_options", "member_options", "region_options")
        for option in context.get(name, [])
        if option["checked"]
    ]
    total = listing_total(context)
    title = "Pledges" + (f": {', '.join(chosen[:4])}{', …' if len(chosen) > 4 else ''}" if chosen else "")
    return Preview(
        title,
        (f"{plural(total, 'pledge')}" if total is not None else "Pledges")
        + (" matching these filters" if context.get("filterset") and listing_query(context) else "")
        + " to Ukraine’s security: offers from proposed to delivered and stances apart, each with its "
        "status, conditions and sources.",
        reverse("pledges:pledge_list"),
        listing_query(context),
    )


def pledge_detail(context) -> Preview:
    pledge = context["pledge"]
    text = f"{pledge.get_status_display()}: {translated(pledge, 'summary')}"
    if pledge.conditions:
        text += f" Conditions: {translated(pledge, 'conditions')}"
    image, alt = card_image(pledge.lead) if pledge.lead else ("", "")
    type_name = translated(pledge.pledge_type, "name")
    title = f"{parties_text(pledge)}: {type_name} ({pledge.get_status_display().lower()})"
    return Preview(title, text, pledge.get_absolute_url(), "", image, alt)


def type_detail(context) -> Preview:
    pledge_type = context["pledge_type"]
    name = translated(pledge_type, "name")
    offers, stances = context.get("offer_total", 0), context.get("stance_total", 0)
    text = (
        f"{name}: {plural(offers, 'offer')} and {plural(stances, 'stance')} recorded, showing "
        "who offers it to Ukraine, how firmly and on what conditions, each with its source."
    )
    if pledge_type.description:
        text += f" {translated(pledge_type, 'description')}"
    return Preview(f"{name}: who offers it to Ukraine", text, pledge_type.get_absolute_url())


def source_list(context) -> Preview:
    total = listing_total(context)
    return Preview(
        "Sources",
        (f"{plural(total, 'document')}" if total is not None else "The documents")
        + " every fact is drawn from, each with its archived text so that every quote can be checked in "
        "context.",
        reverse("pledges:source_list"),
        listing_query(context),
    )


def source_detail(context) -> Preview:
    source = context["source"]
    by = f" by {source.publisher}" if source.publisher else ""
    on = f", {source.published_on.day} {source.published_on:%B %Y}" if source.published_on else ""
    quotes = plural(len(context.get("citations", [])), "quote")
    text = (
        f"{source.get_kind_display()}{by}{on}: its archived text, with the {quotes} the tracker cites marked."
    )
    if source.description:
        text += f" {translated(source, 'description')}"
    return Preview(source.title, text, source.get_absolute_url())


def meeting_list(context) -> Preview:
    total = listing_total(context)
    return Preview(
        "Meetings and summits",
        (f"{plural(total, 'meeting')}" if total is not None else "Meetings")
        + " of the Coalition of the Willing: when it met, who hosted and what was agreed, with sources.",
        reverse("pledges:meeting_list"),
        listing_query(context),
    )


def change_list(context) -> Preview:
    changes = context.get("changes") or []
    return Preview(
        "Recent changes",
        f"The latest {plural(len(changes), 'pledge')} published or changed since they were published, newest "
        "first; drafts under review do not appear.",
        reverse("pledges:change_list"),
    )


def fixed(title: str, description: str, name: str):
    return lambda context: Preview(title, description, reverse(f"pledges:{name}"))


PAGES = {
    "overview": overview,
    "member_list": member_list,
    "member_detail": member_detail,
    "pledge_list": pledge_list,
    "pledge_detail": pledge_detail,
    "type_detail": type_detail,
    "source_list": source_list,
    "source_detail": source_detail,
    "meeting_list": meeting_list,
    "change_list": change_list,
    "about": fixed(
        "About the tracker: methodology and codebook",
        "What counts as a pledge, the statuses and stances, how sentences become facts, the sourcing "
        "rules, how to cite the tracker and its licence.",
        "about",
    ),
    "api_docs": fixed(
        "API",
        "Read-only JSON for members, pledge types, pledges, sources, citations, meetings and counts: "
        "no key needed, open to cross-origin reads, with curl and Python examples.",
        "api_docs",
    ),
    "api_reference": fixed(
        "API reference",
        "Every endpoint, filter and answer of the read-only JSON API, read from its OpenAPI 3.1 schema.",
        "api_reference",
    ),
    "download": fixed(
        "Download the data",
        "The whole published dataset, as one JSON file or as CSV files in a zip: members, pledge types, "
        "pledges, sources, citations, meetings and headline counts.",
        "download",
    ),
}


@register.inclusion_tag("includes/_link_preview.html", takes_context=True)
def link_preview(context) -> dict:
    """The page's canonical link and preview tags; nothing for bad input or a page not described here."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    describe = PAGES.get(match.url_name) if match and match.namespace == "pledges" else None
    if describe is None or context.get("errors"):
        return {}
    return describe(context).context()
