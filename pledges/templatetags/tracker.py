"""Small template helpers: status badges shown by icon and text as well as colour, a pledge's parties,
and partial dates."""

import datetime
import functools
import re

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from pledges.models import (
    LADDER,
    STANCES,
    STATUS_DESCRIPTIONS,
    STATUS_ICONS,
    Status,
    format_partial_date,
    is_stance,
    iso_partial_date,
)
from pledges.translations import CANONICAL_LANGUAGE, Text, translated

register = template.Library()


@register.simple_tag
def status_badge(status, count: int = 0):
    return _badge(str(status or ""), count if count > 1 else 0, get_language())


@functools.cache
def _badge(status: str, count: int, language: str):
    """A status as icon + words + colour class; empty-handed cells say "none recorded" in words. Kept
    once per status, count and language (the words are the reader's language's)."""
    if not status:
        return format_html(
            '<span class="status status-none"><span class="visually-hidden">{}</span></span>',
            gettext("None recorded"),
        )
    status = Status(status)
    number = format_html(' <span class="status-count">×{}</span>', count) if count > 1 else ""
    return format_html(
        '<span class="status status-{}{}" title="{}"><span class="status-icon" aria-hidden="true">{}</span> '
        '<span class="status-label">{}</span>{}</span>',
        status.value,
        " status-stance" if is_stance(status) else "",
        STATUS_DESCRIPTIONS[status],
        STATUS_ICONS[status],
        status.label,
        number,
    )


@register.filter
def status_label(status) -> str:
    return Status(status).label if status else ""


@register.simple_tag
def status_groups() -> dict:
    """The ladder (weakest first) and the stances, each status with its description, for legends."""
    return {
        "ladder": [(status, STATUS_DESCRIPTIONS[status]) for status in LADDER],
        "stances": [(status, STATUS_DESCRIPTIONS[status]) for status in STANCES],
    }


@register.filter
def breakable(text: str) -> str:
    """Text with no-break spaces shown as plain spaces, so a quote copied from a page that joined its
    words with them can wrap on a phone. Only the display changes; the stored quote keeps them."""
    return text.replace("\u00a0", " ") if isinstance(text, str) else text


@register.filter
def web_address(url: str) -> str:
    """The address if it is an http(s) one, else empty: a stored `javascript:` URL never becomes a link."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""


# --- Parties ------------------------------------------------------------------------------------------


def and_join(items: list) -> str:
    """'A', 'A and B', 'A, B and C'. The items are strings, or safe HTML when all of them are."""
    items = list(items)
    if len(items) < 2:
        return items[0] if items else ""
    head = ", ".join(str(item) for item in items[:-1])
    joined = f"{head} {gettext('and')} {items[-1]}"
    return SafeString(joined) if all(isinstance(item, SafeString) for item in items) else joined


def parties_text(pledge) -> str:
    """A pledge's parties in words: 'France', 'France and United Kingdom (jointly)'. Plain text."""
    text = and_join([translated(member, "name").text for member in pledge.party_members])
    return f"{text} ({gettext('jointly')})" if pledge.is_joint else text


def _member_link(member, base: str = "", new_tab: bool = False):
    url = base + member.get_absolute_url()
    name = translated_html(translated(member, "name"))
    if new_tab:
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, name)
    return format_html('<a href="{}">{}</a>', url, name)


@register.filter
def names(members) -> str:
    """Members' names joined in words: 'France and United Kingdom'."""
    return and_join([translated(member, "name").text for member in members])


@register.simple_tag
def parties(pledge, link: bool = True):
    """Every party of a pledge, each linked to its page: 'France and United Kingdom (jointly)'.

    Reads the `party_list` prefetch; no query per pledge when the page loaded it.
    """
    members = pledge.party_members
    if not link:
        return parties_text(pledge)
    joined = and_join([_member_link(member) for member in members])
    if pledge.is_joint:
        return format_html('{} <span class="jointly">({})</span>', joined, gettext("jointly"))
    return joined


@register.simple_tag
def partners(pledge, member, base: str = "", new_tab: bool = False, capital: bool = False):
    """'jointly with <a>United Kingdom</a> and <a>Germany</a>' on `member`'s page, or '' for a pledge of
    its own. `base` makes the links absolute (the embed); `new_tab` opens them outside the iframe;
    `capital` starts a sentence ("Jointly with …")."""
    others = pledge.partners_of(member)
    if not others:
        return ""
    links = and_join([_member_link(other, base, new_tab) for other in others])
    return format_html(
        '<span class="jointly">{} {}</span>',
        gettext("Jointly with") if capital else gettext("jointly with"),
        links,
    )


# --- Dates --------------------------------------------------------------------------------------------


@register.simple_tag
def partial_date(value, precision, unknown: str = ""):
    """A date as precisely as it is known, in a <time> element; `unknown` (in words, "date unknown"
    in the reader's language unless given) when it is not."""
    iso = iso_partial_date(value, precision)
    if not iso:
        return format_html('<span class="unknown">{}</span>', unknown or gettext("date unknown"))
    return format_html('<time datetime="{}">{}</time>', iso, format_partial_date(value, precision))


@register.filter
def datetime_attr(value) -> str:
    """A moment as a `datetime` attribute HTML accepts: ISO 8601 to the second with its offset.

    `|date:'c'` writes microseconds, and HTML allows at most three digits of a fraction of a second;
    no page shows anything finer than a minute, so the fraction is dropped. A date stays a date.
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)  # the zone the page's `|date` shows it in
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


# --- The tracker's own words in the reader's language -------------------------------------------------


# In a translated text, words quoted from a source keep their language inside “…” (the tracker's own
# quotation marks in Ukrainian are «…»): a quote is never translated, and is marked as English.
# One level of quotes within a quote (“at a “Coalition of the Willing” conference”) stays one quote.
QUOTED = re.compile(r"“(?:[^“”]|“[^“”]*”)*”")
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _quotes_marked(text: str) -> SafeString:
    """The text escaped, each “…” holding English words (and no Cyrillic) in a `lang="en"` span."""
    pieces, last = [], 0
    for match in QUOTED.finditer(text):
        quoted = match.group(0)
        if LATIN.search(quoted) and not CYRILLIC.search(quoted):
            pieces += [escape(text[last : match.start()]), format_html('<span lang="en">{}</span>', quoted)]
            last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def translated_html(text: Text, words: int = 0):
    """A text of the tracker's own words, escaped; one that stands in for a missing Ukrainian text is
    marked with its language and followed by a visible "(in English)"."""
    shown = Truncator(text.text).words(words) if words else text.text
    if not text.fallback:
        return _quotes_marked(shown) if text.lang != CANONICAL_LANGUAGE else format_html("{}", shown)
    return format_html(
        '<span lang="{}" class="untranslated">{}</span> <span class="untranslated-marker">({})</span>',
        text.lang,
        shown,
        gettext("in English"),
    )


@register.simple_tag
def tr(obj, field: str, words: int = 0):
    """`{% tr pledge "summary" %}`: the field in the reader's language, escaped, marked when it falls
    back to English; `words=24` shortens it as `truncatewords` does."""
    if obj is None:
        return ""
    return translated_html(translated(obj, field), words)


@register.filter
def trtext(obj, field: str) -> str:
    """`{{ pledge|trtext:"summary" }}`: the same text, plain, for attributes and titles (no marker)."""
    return "" if obj is None else translated(obj, field).text
