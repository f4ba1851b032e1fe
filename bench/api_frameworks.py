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
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.run as run  # noqa: E402
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
# Servers on the ports set aside for this benchmark, with the prototypes' settings.
run.free_port = lambda: next(PORTS)
run.SERVER_ENV = {**run.SERVER_ENV, "DJANGO_SETTINGS_MODULE": "bench.api_prototypes"}


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


def in_turn(measured: list[tuple[str, str]], repeat: int) -> list[tuple[str, str]]:
    """The baseline first, then the lists and the details, each group rotated by the repeat's number:
    the machine's load drifts during a run, and no build should always be measured first."""
    baseline, lists, details = measured[0], measured[1:4], measured[4:]
    turn = repeat % len(lists)
    return [baseline, *lists[turn:], *lists[:turn], *details[turn:], *details[:turn]]


def cpu_times(db_url: str, kind: str, rounds: int) -> None:
    """In this process, through Django's test client: the median CPU time of each page of pages(),
    taken in turns, with the page cache off. CPU time, unlike wrk's throughput, hardly moves when
    other processes share the machine."""
    os.environ.update(
        {
            **run.SERVER_ENV,
            "DATABASE_URL": db_url,
            "PAGE_CACHE_SECONDS": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        }
    )
    os.environ.update({"DJANGO_SECURE_SSL": "false", "DJANGO_STATIC_MANIFEST": "false"})
    import django

    django.setup()
    from django.test import Client

    client = Client()
    first = client.get(f"/api/v1/pledges/?type={kind}&page_size=1").json()["results"][0]["id"]
    measured = pages({"type_slug": kind}, first)[1:]
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for label, path in measured:
            started = time.process_time()
            response = client.get(path)
            times.setdefault(label, []).append(time.process_time() - started)
            assert response.status_code == 200, (path, response.status_code)
    print("| page | CPU ms (median) | × hand-written |")
    print("|---|--:|--:|")
    for label, values in times.items():
        before = statistics.median(
            times[
                label.replace("django-ninja (served)", "hand-written (before)").replace(
                    "DRF prototype", "hand-written (before)"
                )
            ]
        )
        print(
            f"| {label} | {statistics.median(values) * 1000:.1f} | {before / statistics.median(values):.2f} |"
        )


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
    parser.add_argument("--cpu", type=int, default=0, help="instead: CPU time in-process, this many rounds")
    args = parser.parse_args()

    if args.cpu:
        db_url = database_url(args.db, args.pledges, args)
        info = build_dataset(db_url, args.pledges, args.rebuild)
        cpu_times(db_url, info["type_slug"], args.cpu)
        return
    wrk = find_wrk()
    run.FOREIGN.start()
    busy: dict[str, list[float]] = {}
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
                mark = run.FOREIGN.mark()
                try:
                    for repeat in range(args.repeats):
                        results = measure(
                            wrk,
                            server,
                            in_turn(pages(info, pledge), repeat),
                            "/bench/baseline/",
                            args,
                            warm_every_worker=phase == "warm",
                        )
                        base = results[0].rps or 1
                        for r in results:
                            table.setdefault(r.label, {}).setdefault(phase, []).append(r.rps / base)
                finally:
                    server.stop()
                busy.setdefault(phase, []).append(run.FOREIGN.share_since(mark))
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
    for phase, shares in busy.items():
        print(f"Other processes used {max(shares):.0%} of the machine's CPU during the {phase} phase.")


if __name__ == "__main__":
    main()
