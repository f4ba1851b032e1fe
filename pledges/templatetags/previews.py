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
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext, npgettext

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
            "image_alt": self.image_alt or f"{gettext(SITE_NAME)}: {SITE_TAGLINE}",
            "image_width": WIDTH,
            "image_height": HEIGHT,
            "site_name": gettext(SITE_NAME),
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


def counted(n: int, text: str) -> str:
    """`text`, chosen by ngettext for `n`, with the count in it ("1 offer", "5 пропозицій")."""
    return text % {"count": n}


def offers(n: int) -> str:
    return counted(n, ngettext("%(count)s offer", "%(count)s offers", n))


def stances(n: int) -> str:
    return counted(n, ngettext("%(count)s stance", "%(count)s stances", n))


def listing_total(context) -> int | None:
    page = context.get("page_obj")
    return page.paginator.count if page is not None else None


def card_image(member) -> tuple[str, str]:
    return (
        reverse("pledges:member_card_png", args=[member.slug]),
        gettext("%(name)s: pledges to Ukraine’s security by type of help and status")
        % {"name": translated(member, "name")},
    )


def overview(context) -> Preview:
    return Preview(
        gettext("Security guarantees for Ukraine: who pledged what"),
        gettext(
            "%(offers)s and %(stances)s by %(members)s of the Coalition of the Willing and beside it, "
            "from %(sources)s: each fact with a verbatim quote from its source."
        )
        % {
            "offers": offers(context["offer_total"]),
            "stances": stances(context["stance_total"]),
            "members": counted(
                context["member_total"],
                npgettext("by … members", "%(count)s member", "%(count)s members", context["member_total"]),
            ),
            "sources": counted(
                context["source_total"],
                npgettext("from … sources", "%(count)s source", "%(count)s sources", context["source_total"]),
            ),
        },
        reverse("pledges:overview"),
    )


def member_list(context) -> Preview:
    total = context.get("total_members")
    text = gettext(
        "countries, organisations, the coalition itself, Europe as a bloc and unnamed groups, with their "
        "pledges to Ukraine’s security by type and their strongest status, each with its source."
    )
    if total is not None:
        members = npgettext("a count standing alone", "%(count)s member", "%(count)s members", total)
        text = counted(total, members) + ": " + text
    return Preview(
        gettext("Members of the coalition and their pledges"),
        text,
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
            counts.append(f"{offers(summary.offer_total)} ({kinds})")
        if summary.stance_total:
            counts.append(stances(summary.stance_total))
        text = gettext("What %(name)s pledged to Ukraine’s security: %(counts)s, each with its source.") % {
            "name": name,
            "counts": f" {gettext('and')} ".join(counts),
        }
    else:
        text = gettext("%(name)s: no published pledge to Ukraine’s security recorded yet.") % {"name": name}
    image, alt = card_image(member)
    title = gettext("%(name)s: pledges to Ukraine’s security") % {"name": name}
    return Preview(title, text, member.get_absolute_url(), "", image, alt)


def pledge_list(context) -> Preview:
    chosen = [
        str(option["label"])
        for name in ("type_options", "status_options", "member_options", "region_options")
        for option in context.get(name, [])
        if option["checked"]
    ]
    total = listing_total(context)
    title = gettext("Pledges") + (
        f": {', '.join(chosen[:4])}{', …' if len(chosen) > 4 else ''}" if chosen else ""
    )
    filtered = bool(context.get("filterset") and listing_query(context))
    if total is None:
        pledges = gettext("Pledges")
    elif filtered:
        pledges = counted(
            total,
            ngettext(
                "%(count)s pledge matching these filters", "%(count)s pledges matching these filters", total
            ),
        )
    else:
        pledges = counted(total, ngettext("%(count)s pledge", "%(count)s pledges", total))
    return Preview(
        title,
        gettext(
            "%(pledges)s to Ukraine’s security: offers from proposed to delivered and stances apart, each "
            "with its status, conditions and sources."
        )
        % {"pledges": pledges},
        reverse("pledges:pledge_list"),
        listing_query(context),
    )


def pledge_detail(context) -> Preview:
    pledge = context["pledge"]
    text = f"{pledge.get_status_display()}: {translated(pledge, 'summary')}"
    if pledge.conditions:
        text += " " + gettext("Conditions: %(conditions)s") % {"conditions": translated(pledge, "conditions")}
    image, alt = card_image(pledge.lead) if pledge.lead else ("", "")
    type_name = translated(pledge.pledge_type, "name")
    title = f"{parties_text(pledge)}: {type_name} ({pledge.get_status_display().lower()})"
    return Preview(title, text, pledge.get_absolute_url(), "", image, alt)


def type_detail(context) -> Preview:
    pledge_type = context["pledge_type"]
    name = translated(pledge_type, "name")
    text = gettext(
        "%(name)s: %(offers)s and %(stances)s recorded, showing who offers it to Ukraine, how firmly and on "
        "what conditions, each with its source."
    ) % {
        "name": name,
        "offers": offers(context.get("offer_total", 0)),
        "stances": stances(context.get("stance_total", 0)),
    }
    if pledge_type.description:
        text += f" {translated(pledge_type, 'description')}"
    title = gettext("%(name)s: who offers it to Ukraine") % {"name": name}
    return Preview(title, text, pledge_type.get_absolute_url())


def source_list(context) -> Preview:
    total = listing_total(context)
    if total is None:
        text = gettext(
            "The documents every fact is drawn from, each with its archived text so that every quote can be "
            "checked in context."
        )
    else:
        text = counted(
            total,
            ngettext(
                "%(count)s document every fact is drawn from, each with its archived text so that every "
                "quote can be checked in context.",
                "%(count)s documents every fact is drawn from, each with its archived text so that every "
                "quote can be checked in context.",
                total,
            ),
        )
    return Preview(gettext("Sources"), text, reverse("pledges:source_list"), listing_query(context))


def source_detail(context) -> Preview:
    source = context["source"]
    by = " " + gettext("by %(publisher)s") % {"publisher": source.publisher} if source.publisher else ""
    on = f", {date_format(source.published_on, 'DATE_FORMAT')}" if source.published_on else ""
    quoted = len(context.get("citations", []))
    quotes = counted(quoted, ngettext("%(count)s quote", "%(count)s quotes", quoted))
    text = gettext(
        "%(kind)s%(by)s%(on)s: its archived text, with the %(quotes)s the tracker cites marked."
    ) % {
        "kind": source.get_kind_display(),
        "by": by,
        "on": on,
        "quotes": quotes,
    }
    if source.description:
        text += f" {translated(source, 'description')}"
    return Preview(source.title, text, source.get_absolute_url())


def meeting_list(context) -> Preview:
    total = listing_total(context)
    meetings = (
        gettext("Meetings")
        if total is None
        else counted(total, ngettext("%(count)s meeting", "%(count)s meetings", total))
    )
    return Preview(
        gettext("Meetings and summits"),
        gettext(
            "%(meetings)s of the Coalition of the Willing: when it met, who hosted and what was agreed, with "
            "sources."
        )
        % {"meetings": meetings},
        reverse("pledges:meeting_list"),
        listing_query(context),
    )


def change_list(context) -> Preview:
    changes = context.get("changes") or []
    return Preview(
        gettext("Recent changes"),
        counted(
            len(changes),
            ngettext(
                "The latest %(count)s pledge published or changed since they were published, newest first; "
                "drafts under review do not appear.",
                "The latest %(count)s pledges published or changed since they were published, newest first; "
                "drafts under review do not appear.",
                len(changes),
            ),
        ),
        reverse("pledges:change_list"),
    )


def release_detail(context) -> Preview:
    release = context["release"]
    return Preview(
        gettext("Release %(number)s") % {"number": release.number},
        gettext(
            "Release %(number)s of the tracker's data, cut on %(date)s: what changed, its downloads and how "
            "to cite it."
        )
        % {"number": release.number, "date": date_format(release.cut_at, "DATE_FORMAT")},
        reverse("pledges:release_detail", args=[release.number]),
    )


def fixed(title: str, description: str, name: str):
    return lambda context: Preview(str(title), str(description), reverse(f"pledges:{name}"))


PAGES = {
    "overview": overview,
    "release_detail": release_detail,
    "release_list": fixed(
        gettext_lazy("Releases"),
        gettext_lazy(
            "Numbered releases of the tracker's data: each one citable, downloadable and kept as it was."
        ),
        "release_list",
    ),
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
        gettext_lazy("About the tracker: methodology and codebook"),
        gettext_lazy(
            "What counts as a pledge, the statuses and stances, how sentences become facts, the sourcing "
            "rules, how to cite the tracker and its licence."
        ),
        "about",
    ),
    "api_docs": fixed(
        gettext_lazy("API"),
        gettext_lazy(
            "Read-only JSON for members, pledge types, pledges, sources, citations, meetings and counts: "
            "no key needed, open to cross-origin reads, with curl and Python examples."
        ),
        "api_docs",
    ),
    "api_reference": fixed(
        gettext_lazy("API reference"),
        gettext_lazy(
            "Every endpoint, filter and answer of the read-only JSON API, read from its OpenAPI 3.1 schema."
        ),
        "api_reference",
    ),
    "download": fixed(
        gettext_lazy("Download the data"),
        gettext_lazy(
            "The whole published dataset, as one JSON file or as CSV files in a zip: members, pledge types, "
            "pledges, sources, citations, meetings and headline counts."
        ),
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
