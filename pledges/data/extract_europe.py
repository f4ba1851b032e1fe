"""Cut the European region out of world-atlas's countries-50m.json; see README.md in this folder.

    python pledges/data/extract_europe.py path/to/package/countries-50m.json pledges/data/europe-50m.json

Keeps the TopoJSON format (quantised, delta-encoded arcs shared between neighbours) but only the
polygons whose bounding box meets the region below, and only the arcs they use. Standard library only.
"""

import json
import sys

# Wider than the drawn map (about lon -25..45, lat 34..71) so that clipping happens in pledges/maps.py.
REGION = (-40.0, 25.0, 65.0, 82.0)  # west, south, east, north


def decode_arc(arc: list[list[int]], transform: dict) -> list[tuple[float, float]]:
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy in arc:
        x += dx
        y += dy
        points.append((x * sx + tx, y * sy + ty))
    return points


def polygon_meets_region(polygon: list[list[int]], arc_boxes: list[tuple]) -> bool:
    west, south, east, north = REGION
    for index in polygon[0]:  # the outer ring bounds the polygon
        x0, y0, x1, y1 = arc_boxes[~index if index < 0 else index]
        if x1 >= west and x0 <= east and y1 >= south and y0 <= north:
            return True
    return False


def extract(topology: dict) -> dict:
    arc_boxes = []
    for arc in topology["arcs"]:
        points = decode_arc(arc, topology["transform"])
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        arc_boxes.append((min(xs), min(ys), max(xs), max(ys)))

    new_index: dict[int, int] = {}

    def remap(index: int) -> int:
        old = ~index if index < 0 else index
        new = new_index.setdefault(old, len(new_index))
        return ~new if index < 0 else new

    geometries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        kept = [
            [[remap(i) for i in ring] for ring in polygon]
            for polygon in polygons
            if polygon_meets_region(polygon, arc_boxes)
        ]
        if not kept:
            continue
        out = {"type": "MultiPolygon", "arcs": kept, "properties": geometry["properties"]}
        if "id" in geometry:
            out["id"] = geometry["id"]
        geometries.append(out)

    arcs = [None] * len(new_index)
    for old, new in new_index.items():
        arcs[new] = topology["arcs"][old]
    return {
        "type": "Topology",
        "transform": topology["transform"],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        topology = json.load(f)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(extract(topology), f, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
