"""The pledge API as served (django-ninja) against the hand-written views it replaced and a Django REST
framework prototype, under the production configuration.

    python bench/api_frameworks.py                     # 10,000 pledges, SQLite, cache off then on
    python bench/api_frameworks.py --phases cold --duration 5 --repeats 3

Starts gunicorn with gunicorn.conf.py and production settings (bench/api_prototypes.py: the
benchmark's settings plus the hand-written views and a Django REST framework prototype of the pledge
list and detail, same FilterSet, queryset and page size), and measures with wrk, as bench/run.py does: every
request sends `X-Forwarded-Proto: https`, and each figure is a ratio to the fixed response
(`/bench/baseline/`) on the same server in the same run. With the page cache on every framework is
answered from the cache, so the cold phase (`PAGE_CACHE_SECONDS=0`) is the one that compares them.
"""

import argparse
import json
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    HOST,
    PHASES,
    TrackerServer,
    build_dataset,
    collect_static,
    database_url,
    find_wrk,
    measure,
)
from bench.run import Servers as _Servers  # noqa: E402

PORTS = iter(range(8731, 8740))


def first_pledge(base: str, kind: str) -> int:
    """A published pledge of the type, read from the API itself."""
    request = urllib.request.Request(
        f"{base}/api/v1/pledges/?type={kind}&page_size=1", headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["results"][0]["id"]


def pages(info: dict, pledge: int) -> list[tuple[str, str]]:
    kind = info["type_slug"]
    return [
        ("baseline (fixed response)", "/bench/baseline/"),
        ("hand-written (before), list", f"/bench/handwritten/pledges/?type={kind}"),
        ("django-ninja (served), list", f"/api/v1/pledges/?type={kind}"),
        ("DRF prototype, list", f"/bench/drf/pledges/?type={kind}"),
        ("hand-written (before), detail", f"/bench/handwritten/pledges/{pledge}/"),
        ("django-ninja (served), detail", f"/api/v1/pledges/{pledge}/"),
        ("DRF prototype, detail", f"/bench/drf/pledges/{pledge}/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--phases", default="cold,warm")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="runs of every page per phase")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/tracker_bench")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import bench.run as run

    # Servers on the ports set aside for this benchmark, with the prototypes' settings.
    run.free_port = lambda: next(PORTS)
    run.SERVER_ENV = {**run.SERVER_ENV, "DJANGO_SETTINGS_MODULE": "bench.api_prototypes"}

    wrk = find_wrk()
    db_url = database_url(args.db, args.pledges, args)
    info = build_dataset(db_url, args.pledges, args.rebuild)
    servers = _Servers(Path(tempfile.mkdtemp(prefix="api-frameworks-")))
    table: dict[str, dict[str, list[float]]] = {}
    try:
        with tempfile.TemporaryDirectory() as temp:
            static_root = Path(temp) / "static"
            collect_static(static_root)
            for phase in [p.strip() for p in args.phases.split(",") if p.strip()]:
                _short, title, extra_env = PHASES[phase]
                print(f"-- {title}", flush=True)
                server = TrackerServer(servers, db_url, static_root, extra_env, Path(temp) / phase, phase)
                server.start()
                pledge = first_pledge(server.base, info["type_slug"])
                try:
                    for _ in range(args.repeats):
                        results = measure(
                            wrk,
                            server,
                            pages(info, pledge),
                            "/bench/baseline/",
                            args,
                            warm_every_worker=phase == "warm",
                        )
                        base = results[0].rps or 1
                        for r in results:
                            table.setdefault(r.label, {}).setdefault(phase, []).append(r.rps / base)
                finally:
                    server.stop()
    finally:
        servers.stop_all()
    phases = sorted({p for row in table.values() for p in row})
    print()
    print("| page | " + " | ".join(f"× base, {p}" for p in phases) + " |")
    print("|---|" + "--:|" * len(phases))
    for label, row in table.items():
        cells = []
        for p in phases:
            values = row.get(p, [])
            cells.append(
                f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})" if values else "—"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\n{args.pledges:,} pledges, {args.db}, server on {HOST}; ratios: median (range) of runs.")


if __name__ == "__main__":
    main()
