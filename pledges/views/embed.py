"""Reuse on other sites: the embeddable country page, its SVG card and the oEmbed endpoint.

Each is in the language of its address, as every page is: /uk/members/<slug>/embed/, card.svg and
card.png are in Ukrainian; oEmbed answers in the language of the page it is asked about.

The embed page is the only page another site may frame. It sets no cookie and reads no session, so a
visit from someone else's page leaves no trace and needs no consent banner there.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from pledges.cards import Card, card_counts, card_png, status_words
from pledges.context_processors import SITE_NAME
from pledges.forms import EmbedOptionsForm
from pledges.models import Member, Pledge, PledgeType, Release, data_as_of
from pledges.releases import RELEASE_PATH, current_release, newer_release_for
from pledges.summaries import member_summary
from pledges.templatetags.releases import embed_path, live_path
from pledges.translations import translated

# The iframe's size when the host page has not resized it yet (embed-host.js does, to fit).
EMBED_WIDTH = 600
EMBED_HEIGHT = 480

# The site's policy with one change: any page may frame this one. Scripts and styles stay 'self'.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"], "form-action": ["'none'"]}


def absolute(request: HttpRequest | None, path: str) -> str:
    """An absolute address on this site: from the request when there is one, else from SITE_URL."""
    if path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


def embed_snippet_context(
    request: HttpRequest | None, member: Member, width="100%", height=EMBED_HEIGHT, pin: int | None = None
):
    """What templates/pledges/includes/_embed_snippet.html needs to write the iframe code; `pin` pins
    the embed to that release."""
    return {
        "embed_url": absolute(request, embed_path(member.slug, pin)),
        "host_script_url": absolute(request, static("js/embed-host.js")),
        "member": member,
        "site_name": gettext(SITE_NAME),
        "embed_width": width,
        "embed_height": height,
    }


def embed_snippet(request: HttpRequest | None, member: Member, **size) -> str:
    """The HTML a site pastes to show a member's pledges: an iframe and the script that resizes it."""
    return render_to_string(
        "pledges/includes/_embed_snippet.html", embed_snippet_context(request, member, **size)
    ).strip()


def published_sources(pledges: list[Pledge]) -> list:
    """The distinct sources cited by these pledges (already prefetched), in order of first citation."""
    sources = {}
    for pledge in pledges:
        for citation in pledge.citations.all():
            sources.setdefault(citation.source_id, citation.source)
    return list(sources.values())


@require_safe
@xframe_options_exempt
@csp_override(EMBED_CSP)
def member_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's published pledges summed up by type, small enough for an iframe on another site.

    Queries: the member, the pledge types named in `types=` (only when given), the types, the summary
    (six), and the data's date.
    """
    member = get_object_or_404(Member, slug=slug)
    options = EmbedOptionsForm(request.GET)
    context = {
        "member": member,
        "theme": "light",
        "site_name": gettext(SITE_NAME),
        "site_base": absolute(request, "/").rstrip("/"),
        "member_url": absolute(request, member.get_absolute_url()),
        # The member page on the site's public address, as every page's canonical link names it.
        "canonical_url": absolute(None, member.get_absolute_url()),
    }
    if not options.is_valid():
        context["errors"] = [message for messages in options.errors.values() for message in messages]
        return render(request, "pledges/embed.html", context, status=400)
    types = options.cleaned_data["types"]
    theme = options.cleaned_data["theme"] or "light"
    # Short enough for a report however many pledges there are: per type, the counts by status and
    # the strongest and latest two (pledges.summaries), with a link to all of them.
    summary = member_summary(member, list(PledgeType.objects.all()), few=EMBED_PER_TYPE, only_types=types)
    context.update(
        theme=theme,
        summary=summary,
        selected_types=types,
        sources=published_sources(summary.pledges),
        as_of=data_as_of(),
    )
    if (pinned := current_release()) is not None:
        # A pinned embed says so, and whether a later release changed this member's data.
        context.update(
            pinned=pinned,
            updated_in=newer_release_for(pinned, member.pk),
            latest_url=absolute(None, live_path(member.get_absolute_url())),
        )
    return render(request, "pledges/embed.html", context)


EMBED_PER_TYPE = 2


# --- The SVG card -------------------------------------------------------------------------------------

CARD_WIDTH = 640
CARD_ROW_HEIGHT = 48
CARD_HEADING_HEIGHT = 36
CARD_TOP = 96
CARD_NAME_LENGTH = 60
# In Python rather than in card.svg, so that makemessages finds it (it reads .html, .txt and .py).
CARD_SUBTITLE = gettext_lazy("Pledges to Ukraine’s security, by type: offers, then stances")
CARD_STANCES_HEADING = gettext_lazy("Stances, not offers: refusals, reservations, offers not made")


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@require_safe
def member_card(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable SVG image of a member's pledges: per type, how many offers of each status; then, under
    their own heading, its stances (refusals, reservations, offers not made) per type, in words.

    Queries: the member, the counts per type and status, the data's date.
    """
    member = get_object_or_404(Member, slug=slug)
    offers, stances = card_counts(member)
    rows, headings, y = [], [], CARD_TOP
    for name, statuses in offers:
        rows.append({"name": shorten(name, CARD_NAME_LENGTH), "statuses": status_words(statuses), "y": y})
        y += CARD_ROW_HEIGHT
    if stances:
        headings.append({"text": str(CARD_STANCES_HEADING), "y": y})
        y += CARD_HEADING_HEIGHT
    for n, (name, statuses) in enumerate(stances):
        rows.append(
            {
                "name": shorten(name, CARD_NAME_LENGTH),
                "statuses": status_words(statuses),
                "y": y,
                "first_stance": n == 0,
            }
        )
        y += CARD_ROW_HEIGHT
    rows_end = max(y, CARD_TOP + CARD_ROW_HEIGHT)
    context = {
        "member": member,
        "subtitle": str(CARD_SUBTITLE),
        "rows": rows,
        "headings": headings,
        "width": CARD_WIDTH,
        "height": rows_end + 40,
        "footer_y": rows_end + 14,
        "as_of": data_as_of(),
        "site_url": settings.SITE_URL,
        "site_name": gettext(SITE_NAME),
    }
    response = render(request, "pledges/card.svg", context, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{member.slug}-pledges.svg"'
    return response


@require_safe
def member_card_png(request: HttpRequest, slug: str) -> HttpResponse:
    """The member's card as a 1200×630 PNG for link previews: the SVG card's data, drawn once per
    content (pledges.cards) and kept by the page cache like any public answer.

    Queries: the member, the counts per type and status, the data's date.
    """
    member = get_object_or_404(Member, slug=slug)
    offers, stances = card_counts(member)
    card = Card.build(member, offers, stances, data_as_of(), gettext(SITE_NAME), settings.SITE_URL)
    response = HttpResponse(card_png(card), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{member.slug}-pledges.png"'
    return response


# --- oEmbed (https://oembed.com/) ---------------------------------------------------------------------


def oembed_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message, "status": status}, status=status)


def positive_int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"{name} must be a positive whole number of pixels, not “{value}”.")
    return int(value)


def member_from_url(request: HttpRequest, url: str) -> tuple[Member, str, int | None]:
    """The member whose country page `url` is, the language of that address ("/uk/members/…" is
    Ukrainian) and the release it is at ("/releases/3/members/…"), if any; Http404 for another site
    or another page."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[/members/…": not an address at all
        raise Http404("This is not a valid address.") from None
    own_hosts = {urlsplit(settings.SITE_URL).netloc.lower(), request.get_host().lower()}
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in own_hosts:
        raise Http404("This address is not on this site.")
    path = parts.path
    if (at := RELEASE_PATH.match(path)) is not None:  # a page at a release: /releases/<n>/members/…
        path = at["rest"]
    # A path resolves only in its own language: "/uk/members/…" while Ukrainian is active.
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        raise Http404("This address is not a member page.") from None
    if match.view_name != "pledges:member_detail":
        raise Http404("This address is not a member page.")
    return get_object_or_404(Member, slug=match.kwargs["slug"]), language, int(at["number"]) if at else None


@require_safe
def oembed(request: HttpRequest) -> JsonResponse:
    """oEmbed for member pages: `?url=<member page>&format=json`, with optional maxwidth/maxheight."""
    url = request.GET.get("url", "").strip()
    if not url:
        return oembed_error("The url parameter is required: the address of a member page.", 400)
    output = request.GET.get("format", "json")
    if output != "json":
        return oembed_error("Only format=json is available.", 501)
    try:
        maxwidth = positive_int(request.GET.get("maxwidth"), "maxwidth")
        maxheight = positive_int(request.GET.get("maxheight"), "maxheight")
    except ValueError as error:
        return oembed_error(str(error), 400)
    try:
        member, language, pin = member_from_url(request, url)
    except Http404 as error:
        return oembed_error(str(error) or "No member page at this address.", 404)
    # The embed follows the live data, unless the address is at a release or `release` pins it:
    # "latest" to the newest release (recommended for reports), or a release's number.
    asked = request.GET.get("release", "").strip()
    if asked:
        if asked == "latest":
            pin = Release.objects.order_by("-number").values_list("number", flat=True).first()
            if pin is None:
                return oembed_error(
                    "No release has been cut yet: leave out release= to embed the live data.", 404
                )
        elif asked.isdigit() and int(asked) > 0:
            pin = int(asked)
        else:
            return oembed_error(f"release must be “latest” or a release’s number, not “{asked}”.", 400)
    if pin is not None and not Release.objects.filter(number=pin).exists():
        return oembed_error(f"There is no release {pin}.", 404)
    width = min(EMBED_WIDTH, maxwidth) if maxwidth else EMBED_WIDTH
    height = min(EMBED_HEIGHT, maxheight) if maxheight else EMBED_HEIGHT
    # In the language of the page asked about, whatever the address of this endpoint.
    with translation.override(language):
        response = JsonResponse(
            {
                "version": "1.0",
                "type": "rich",
                "provider_name": gettext(SITE_NAME),
                "provider_url": absolute(request, reverse("pledges:overview")),
                "title": gettext("%(name)s: pledges to Ukraine’s security")
                % {"name": translated(member, "name")},
                "html": embed_snippet(request, member, width=width, height=height, pin=pin),
                "width": width,
                "height": height,
                "cache_age": 3600,
            }
        )
    response["Content-Language"] = language
    return response
