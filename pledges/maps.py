"""A map of Europe drawn on the server as SVG: coalition members coloured by their pledge status.

The country shapes are Natural Earth's, vendored from the `world-atlas` package (see `data/README.md`).
They are decoded, projected, simplified and clipped once, on first use; each call then only joins
cached path strings, so the page needs no JavaScript and no inline styles (colours come from the
`map-status-*` classes in static/css/site.css).
"""

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django_countries import countries

from pledges.models import Status

DATA_FILE = Path(__file__).resolve().parent / "data" / "europe-50m.json"

# Lambert azimuthal equal-area centred on Europe, as the EU's own maps use (ETRS89-LAEA).
CENTRE_LON, CENTRE_LAT = 15.0, 52.0
# The area shown, as points that must be inside the picture: Iceland's west coast, the North Cape,
# Crete and Cyprus in the south, the Caspian coast of Azerbaijan in the east, Portugal's south-west.
FRAME_POINTS = ((-25.0, 65.0), (26.0, 71.5), (25.0, 33.8), (34.0, 33.8), (48.0, 40.0), (-10.0, 36.0))
WIDTH = 1000.0  # viewBox width; the height follows from the frame
SIMPLIFY_TOLERANCE = 0.3  # viewBox units; below what anyone sees at the width the page gives the map
CLIP_MARGIN = 10.0  # clip outside the viewBox so clipped edges never show
MIN_ISLAND_AREA = 1.0  # square viewBox units; each country keeps its largest polygon however small

# Features of world-atlas without an ISO 3166-1 numeric id, by the code members use for them.
CODES_WITHOUT_NUMERIC = {"Kosovo": "XK"}

STATUS_WORDS = {status.value for status in Status}
NO_PLEDGE = "none"

# The map is a group of named links (each country's <title> names it and its status), reachable by
# keyboard and announced by screen readers; the land of other countries is decoration.
MEMBER_TEMPLATE = '<a href="{}"><title>{}: {}</title><path class="map-land map-status-{}" d="{}"/></a>'


@dataclass(frozen=True)
class MapEntry:
    """One member to colour: `code` is its ISO 3166-1 alpha-2 code ("" for members that are not a country)."""

    code: str
    name: str
    status: str | None
    url: str


@dataclass(frozen=True)
class MapResult:
    svg: SafeString
    not_drawn: list[MapEntry]


@dataclass(frozen=True)
class _Shape:
    key: str  # ISO numeric id ("250"), or the alpha-2 code for features without one ("XK")
    name: str
    path: str  # SVG path data in viewBox units


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area on the sphere; unit radius, y pointing north."""
    lam = math.radians(lon - CENTRE_LON)
    phi, phi0 = math.radians(lat), math.radians(CENTRE_LAT)
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, y


@cache
def _frame() -> tuple[float, float, float, float]:
    """(min x, max y, scale, height): how projected points become viewBox units."""
    points = [_project(lon, lat) for lon, lat in FRAME_POINTS]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    scale = WIDTH / (max(xs) - min(xs))
    return min(xs), max(ys), scale, (max(ys) - min(ys)) * scale


def _to_view(lon: float, lat: float) -> tuple[float, float]:
    min_x, max_y, scale, _ = _frame()
    x, y = _project(lon, lat)
    return (x - min_x) * scale, (max_y - y) * scale


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends so that arcs shared by neighbours still meet."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, worst_distance = 0, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > worst_distance:
                worst, worst_distance = i, distance
        if worst:
            keep[worst] = True
            stack.extend(((first, worst), (worst, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _clip(ring: list[tuple[float, float]], box: tuple[float, float, float, float]):
    """Sutherland-Hodgman against a rectangle; the bridges it may leave lie on the (hidden) clip edge."""
    x0, y0, x1, y1 = box
    edges = (
        (lambda p: p[0] >= x0, lambda p, q: _cross_x(p, q, x0)),
        (lambda p: p[0] <= x1, lambda p, q: _cross_x(p, q, x1)),
        (lambda p: p[1] >= y0, lambda p, q: _cross_y(p, q, y0)),
        (lambda p: p[1] <= y1, lambda p, q: _cross_y(p, q, y1)),
    )
    for inside, cross in edges:
        if not ring:
            break
        clipped = []
        previous = ring[-1]
        for point in ring:
            if inside(point):
                if not inside(previous):
                    clipped.append(cross(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(cross(previous, point))
            previous = point
        ring = clipped
    return ring


def _cross_x(p, q, x):
    return x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0])


def _cross_y(p, q, y):
    return p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y


def _area(ring: list[tuple[int, int]]) -> float:
    """Shoelace area of a ring in tenths of a unit, returned in square units."""
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    return abs(twice) / 200


def _number(tenths: int) -> str:
    """A coordinate in tenths as the shortest SVG number: 12 -> "1.2", -3 -> "-.3", 20 -> "2"."""
    sign = "-" if tenths < 0 else ""
    whole, fraction = divmod(abs(tenths), 10)
    if not fraction:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{fraction}"


def _numbers(values: list[int]) -> str:
    text = []
    for value in values:
        number = _number(value)
        if text and not number.startswith("-"):
            text.append(" ")
        text.append(number)
    return "".join(text)


def _ring_path(ring: list[tuple[int, int]]) -> str:
    x, y = ring[0]
    steps = []
    for (px, py), (qx, qy) in zip(ring, ring[1:], strict=False):
        steps.extend((qx - px, qy - py))
    return f"M{_numbers([x, y])}l{_numbers(steps)}z"


@cache
def _shapes() -> tuple[_Shape, ...]:
    """Every country in the area shown, with its path data. Read and computed once per process."""
    with DATA_FILE.open(encoding="utf-8") as f:
        topology = json.load(f)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]

    arcs = []
    for arc in topology["arcs"]:
        qx = qy = 0
        points = []
        for dx, dy in arc:
            qx += dx
            qy += dy
            points.append(_to_view(qx * sx + tx, qy * sy + ty))
        arcs.append(_simplify(points, SIMPLIFY_TOLERANCE))

    height = _frame()[3]
    box = (-CLIP_MARGIN, -CLIP_MARGIN, WIDTH + CLIP_MARGIN, height + CLIP_MARGIN)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        key = geometry.get("id") or CODES_WITHOUT_NUMERIC.get(name, "")
        polygons = []
        for polygon in geometry["arcs"]:
            rings = []
            for arc_indexes in polygon:
                points: list[tuple[float, float]] = []
                for index in arc_indexes:
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    points.extend(arc if not points else arc[1:])
                ring = _rounded(_clip(points, box))
                if len(ring) >= 3:
                    rings.append(ring)
                elif not rings:
                    break  # the outer ring is outside the area shown, so are its holes
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        largest = max(_area(rings[0]) for rings in polygons)
        kept = [rings for rings in polygons if _area(rings[0]) >= min(MIN_ISLAND_AREA, largest)]
        path = "".join(_ring_path(ring) for rings in kept for ring in rings)
        shapes.append(_Shape(key=key, name=name, path=path))
    return tuple(sorted(shapes, key=lambda shape: (shape.name, shape.key)))


def _rounded(ring: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Points in tenths of a unit, without the repeats rounding makes or the closing point."""
    rounded: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round(x * 10), round(y * 10))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    while len(rounded) > 1 and rounded[-1] == rounded[0]:
        rounded.pop()
    return rounded


def _entry_key(code: str) -> str | None:
    code = code.strip().upper()
    if not code:
        return None
    if code in CODES_WITHOUT_NUMERIC.values():
        return code
    return countries.numeric(code, padded=True)


def _status_class(status: str | None) -> str:
    if status is None:
        return NO_PLEDGE
    if status not in STATUS_WORDS:
        raise ValueError(f"Unknown pledge status {status!r}; expected one of {sorted(STATUS_WORDS)}.")
    return status


def _description(drawn: list[MapEntry], not_drawn_count: int) -> str:
    if not drawn:
        text = gettext("No coalition members are in the area shown.")
    else:
        counts = Counter(_status_class(entry.status) for entry in drawn)
        parts = [f"{counts[status]} {_status_words(status)}" for status in Status if counts[status]]
        if counts[NO_PLEDGE]:
            parts.append(gettext("%(count)s with no pledge recorded") % {"count": counts[NO_PLEDGE]})
        text = ngettext(
            "%(count)s coalition member shown, by strongest pledge status: %(parts)s.",
            "%(count)s coalition members shown, by strongest pledge status: %(parts)s.",
            len(drawn),
        ) % {"count": len(drawn), "parts": ", ".join(parts)}
    if not_drawn_count:
        text += " " + gettext("%(count)s outside the area shown are listed beside the map.") % {
            "count": not_drawn_count
        }
    return text


def _status_words(status: str) -> str:
    """A status in words, in the reader's language: "committed", "no pledge recorded"."""
    if status == NO_PLEDGE:
        return gettext("no pledge recorded")
    return str(Status(status).label).lower()


def europe_map(entries: Iterable[MapEntry]) -> MapResult:
    """The map with each entry's country linked and coloured by its status.

    Entries whose country is not in the area shown (Canada, Japan) or that are not a country at all
    come back in `not_drawn`, in the order given. If two entries share a code the first is drawn and
    the second is listed as not drawn. The SVG depends only on the entries, not on their order.
    """
    entries = list(entries)
    for entry in entries:
        _status_class(entry.status)
    shapes = _shapes()
    shape_keys = {shape.key for shape in shapes if shape.key}

    by_key: dict[str, MapEntry] = {}
    not_drawn = []
    for entry in entries:
        key = _entry_key(entry.code)
        if key in shape_keys and key not in by_key:
            by_key[key] = entry
        else:
            not_drawn.append(entry)

    land, members = [], []
    for shape in shapes:
        entry = by_key.get(shape.key) if shape.key else None
        if entry is None:
            land.append(format_html('<path class="map-land" d="{}"/>', shape.path))
            continue
        status = _status_class(entry.status)
        words = _status_words(status)
        members.append(
            format_html(
                MEMBER_TEMPLATE,
                entry.url,
                entry.name,
                words,
                status,
                shape.path,
            )
        )

    height = _frame()[3]
    view_box = f"0 0 {_number(round(WIDTH * 10))} {_number(round(height * 10))}"
    drawn = [by_key[shape.key] for shape in shapes if shape.key in by_key]
    title = gettext("Map of Europe: coalition members by pledge status")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="europe-map" viewBox="{view_box}" role="group"'
        ' aria-labelledby="map-title map-desc" fill-rule="evenodd">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(_description(drawn, len(not_drawn)))}</desc>'
        f'<rect class="map-sea" width="{view_box.split()[2]}" height="{view_box.split()[3]}"/>'
        f'<g class="map-countries">{"".join(land)}</g>'
        f'<g class="map-members">{"".join(members)}</g>'
        "</svg>"
    )
    # Every value from outside (names, URLs, statuses) went through escape() or format_html() above.
    return MapResult(svg=mark_safe(svg), not_drawn=not_drawn)
