"""A member's card as a PNG for link previews (social sites do not show SVG), the site-wide preview image
and the favicon, drawn with Pillow in the vendored DejaVu Sans (Latin and Cyrillic, so every name the
site may show has its letters, whatever fonts the machine has).

The card shows what the SVG card shows (pledges.views.embed.member_card): the member's name, per type of
help the number of offers of each status, then its stances apart, the data's date and the site's name.
Drawing is bounded whatever the data: the name takes at most two lines and shrinks to fit, every text is
cut to the width it has, and at most a fixed number of rows are drawn ("and N more types" for the rest).
A drawn card is kept in the cache under a digest of what it shows, so the same card is drawn once.
"""

import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache as memoize
from pathlib import Path

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext
from PIL import Image, ImageDraw, ImageFont

from pledges.models import STATUS_ICONS, STATUS_RANK, Member, PartyTally, Status, is_stance
from pledges.translations import translated, translated_value

FONTS = Path(__file__).resolve().parent / "data" / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"

# The size Open Graph and Twitter's large summary card show without cropping.
WIDTH, HEIGHT = 1200, 630
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 84, 64, 56
TEXT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
BLUE, YELLOW = "#0057b7", "#ffd700"
INK, MUTED, RULE = "#111111", "#444444", "#bbbbbb"
BAND = 28  # the flag's band down the left edge

NAME_SIZES = (64, 56, 48, 42)  # the largest that fits in at most two lines is used
NAME_LINES = 2
ROW_SIZE = 28
ROW_HEIGHT = 44
FOOTER_SIZE = 24
MAX_ROWS = 9  # rows drawn at most, whatever the number of types; fewer when the name takes two lines
TEXT_LIMIT = 300  # characters of any one text measured at most: names are cut long before
CARD_CACHE_SECONDS = 24 * 60 * 60

# What the site is, on the site-wide preview image and in the description of pages without their own.
SITE_TAGLINE = (
    "Who in the Coalition of the Willing pledged what to Ukraine’s security, with a source for every fact."
)
STANCES_HEADING = gettext_lazy("Stances, not offers")
SUBTITLE = gettext_lazy("Pledges to Ukraine’s security, by type of help")


def status_words(statuses: Counter) -> str:
    """'● committed ×2, ◐ willing': each status present, strongest first, in words with its icon."""
    return ", ".join(
        f"{STATUS_ICONS[status]} {Status(status).label.lower()}"
        + (f" ×{statuses[status]}" if statuses[status] > 1 else "")
        for status in sorted(statuses, key=lambda s: -STATUS_RANK[s])
    )


def card_counts(member: Member) -> tuple[list[tuple[str, Counter]], list[tuple[str, Counter]]]:
    """The member's published pledges (as any party) counted per type and status: offers and stances
    apart, each a list of (type name, Counter of statuses) in the types' order. One query, over the
    tallies kept ready."""
    rows = (
        PartyTally.objects.filter(member=member)
        .values(
            "pledge_type_id",
            "pledge_type__name",
            "pledge_type__name_uk",
            "pledge_type__order",
            "status",
            n=F("pledges"),
        )
        .order_by("pledge_type__order", "pledge_type__name", "pledge_type_id")
    )
    offers: dict[tuple[int, str], Counter] = {}
    stances: dict[tuple[int, str], Counter] = {}
    for row in rows:
        table = stances if is_stance(row["status"]) else offers
        key = (row["pledge_type_id"], translated_value(row, "pledge_type__name").text)
        table.setdefault(key, Counter())[row["status"]] += row["n"]
    return (
        [(name, statuses) for (_, name), statuses in offers.items()],
        [(name, statuses) for (_, name), statuses in stances.items()],
    )


@dataclass(frozen=True)
class Card:
    """What a member's card shows, in words: (type name, statuses in words) per row, and the language
    its words are in (the active one when it was built), so that each language's card is its own."""

    name: str
    offers: tuple[tuple[str, str], ...]
    stances: tuple[tuple[str, str], ...]
    as_of: date | None
    site_name: str
    site_address: str
    language: str = "en"

    @classmethod
    def build(cls, member: Member, offers, stances, as_of, site_name: str, site_url: str) -> "Card":
        return cls(
            name=translated(member, "name").text,
            offers=tuple((name, status_words(statuses)) for name, statuses in offers),
            stances=tuple((name, status_words(statuses)) for name, statuses in stances),
            as_of=timezone.localdate(as_of) if isinstance(as_of, datetime) else as_of,
            site_name=site_name,
            site_address=site_url.split("://", 1)[-1],
            language=translation.get_language() or "en",
        )

    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()


@memoize
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def fit(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """The text, or as much of it as fits in `width` followed by an ellipsis."""
    text = " ".join(text[:TEXT_LIMIT].split())
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if face.getlength(text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, lines: int) -> tuple[list[str], bool]:
    """The text broken at spaces into at most `lines` lines of `width`; the last one cut with an
    ellipsis if the text is longer. Also whether it all fit without cutting."""
    words = " ".join(text[:TEXT_LIMIT].split()).split(" ")
    result: list[str] = []
    while words and len(result) < lines:
        line = words.pop(0)
        while words and face.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    whole = not words and all(face.getlength(line) <= width for line in result)
    if not whole:
        rest = " ".join([result.pop(), *words]) if result else ""
        result.append(fit(rest + (" …" if words else ""), face, width) if rest else "…")
    return result, whole


def new_canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAND - 1, HEIGHT // 2 - 1), fill=BLUE)
    draw.rectangle((0, HEIGHT // 2, BAND - 1, HEIGHT - 1), fill=YELLOW)
    return image, draw


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def draw_name(draw: ImageDraw.ImageDraw, name: str, top: int) -> int:
    """The name in the largest size at which it fits in two lines (cut in the smallest if it never
    does); returns the y below it."""
    for size in NAME_SIZES:
        lines, whole = wrap(name, font(True, size), TEXT_WIDTH, NAME_LINES)
        if whole:
            break
    face = font(True, size)
    for line in lines:
        draw.text((MARGIN_LEFT, top), line, font=face, fill=INK)
        top += int(size * 1.2)
    return top


def draw_footer(draw: ImageDraw.ImageDraw, left: str, right: str) -> None:
    face = font(False, FOOTER_SIZE)
    y = HEIGHT - MARGIN_TOP - FOOTER_SIZE
    draw.line((MARGIN_LEFT, y - 20, WIDTH - MARGIN_RIGHT, y - 20), fill=RULE, width=2)
    right = fit(right, face, TEXT_WIDTH / 2)
    right_width = face.getlength(right)
    draw.text((MARGIN_LEFT, y), fit(left, face, TEXT_WIDTH - right_width - 24), font=face, fill=MUTED)
    draw.text((WIDTH - MARGIN_RIGHT - right_width, y), right, font=face, fill=MUTED)


def draw_card(card: Card) -> bytes:
    """The card as a 1200×630 PNG, its words in the card's language. Bounded: at most MAX_ROWS rows,
    every text cut to its width."""
    with translation.override(card.language):
        return _draw_card(card)


def _draw_card(card: Card) -> bytes:
    image, draw = new_canvas()
    y = draw_name(draw, card.name, MARGIN_TOP)
    draw.text((MARGIN_LEFT, y + 12), str(SUBTITLE), font=font(False, ROW_SIZE), fill=MUTED)
    y += 12 + ROW_SIZE + 28
    footer_top = HEIGHT - MARGIN_TOP - FOOTER_SIZE - 28
    room = min(MAX_ROWS, (footer_top - y) // ROW_HEIGHT)
    lines: list[tuple[str, str, str]] = [("row", *row) for row in card.offers]
    if card.stances:
        lines += [("heading", str(STANCES_HEADING), ""), *(("row", *row) for row in card.stances)]
    if not lines:
        lines = [("empty", gettext("No published pledges recorded."), "")]
    if len(lines) > room:
        hidden = sum(1 for kind, *_ in lines[room - 1 :] if kind == "row")
        more = ngettext("and %(count)d more type", "and %(count)d more types", hidden) % {"count": hidden}
        lines = [*lines[: room - 1], ("more", more, "")]
    name_face, words_face = font(True, ROW_SIZE), font(False, ROW_SIZE)
    # The type names' column is as wide as its longest name, within 28% to 55% of the width.
    longest = max(
        (name_face.getlength(first[:TEXT_LIMIT]) for kind, first, _ in lines if kind == "row"), default=0
    )
    name_width = min(max(longest + 28, TEXT_WIDTH * 0.28), TEXT_WIDTH * 0.55)
    for kind, first, second in lines:
        if kind == "row":
            draw.text((MARGIN_LEFT, y), fit(first, name_face, name_width - 16), font=name_face, fill=INK)
            draw.text(
                (MARGIN_LEFT + name_width, y),
                fit(second, words_face, TEXT_WIDTH - name_width),
                font=words_face,
                fill=INK,
            )
        else:
            face = font(kind == "heading", ROW_SIZE - 2)
            draw.text((MARGIN_LEFT, y + 2), fit(first, face, TEXT_WIDTH), font=face, fill=MUTED)
        y += ROW_HEIGHT
    if card.as_of:
        as_of = gettext("Data as of %(date)s") % {"date": date_format(card.as_of, "DATE_FORMAT")}
    else:
        as_of = gettext("Data as of an unknown date")
    draw_footer(draw, f"{as_of} · {card.site_name}", card.site_address)
    return png_bytes(image)


def card_png(card: Card) -> bytes:
    """The card's PNG, from the cache when the same card was drawn before."""
    key = f"tracker:card-png:{card.digest()}"
    png = cache.get(key)
    if png is None:
        png = draw_card(card)
        cache.set(key, png, CARD_CACHE_SECONDS)
    return png


def draw_site_preview(site_name: str, tagline: str) -> bytes:
    """The preview image for pages that have no card of their own: the site's name and what it is."""
    image, draw = new_canvas()
    y = draw_name(draw, site_name, 150)
    face = font(False, 34)
    lines, _ = wrap(tagline, face, TEXT_WIDTH, 3)
    y += 24
    for line in lines:
        draw.text((MARGIN_LEFT, y), line, font=face, fill=MUTED)
        y += 46
    draw_footer(draw, "Every fact links to a verbatim quote in its source", "")
    return png_bytes(image)


def draw_favicon() -> bytes:
    """The favicon as an .ico of 16, 32 and 48 pixels: the flag, blue over yellow, as favicon.svg."""
    image = Image.new("RGB", (48, 48), BLUE)
    ImageDraw.Draw(image).rectangle((0, 24, 47, 47), fill=YELLOW)
    buffer = io.BytesIO()
    image.save(buffer, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return buffer.getvalue()
