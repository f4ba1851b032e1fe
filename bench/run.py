"""Measure the tracker under its production server configuration, against a bare Django view and Datasette.

    python bench/run.py [--db sqlite|postgres|both] [--duration 10] [--connections 32]

One command does everything: builds (or reuses) the synthetic dataset from bench/synth.py, collects the
static files into a temporary folder, starts gunicorn with gunicorn.conf.py on a free loopback port and
measures each page with wrk, first with the page cache on (warm) and then with it off. On SQLite it also
serves the same file with Datasette and measures the same filtered pledge list there. It prints a
markdown table and saves it to bench/results/<timestamp>.md. See bench/README.md for how to read it.

Bounded on purpose: a fixed time per URL, loopback addresses only, and every server it starts is stopped
at the end, also on Ctrl-C or an error.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
SQLITE_FILE = BENCH / "bench.sqlite3"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
HOST = "127.0.0.1"

# Settings every tracker server in the benchmark runs with: production settings over plain HTTP.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789",
    "DJANGO_SECURE_SSL": "false",
    "DJANGO_ALLOWED_HOSTS": HOST,
    "GUNICORN_ACCESS_LOG": "false",
    "TRACKER_BENCH_BASELINE": "1",
}
# Inherited values that would change what is measured.
CLEARED_ENV = ("PORT", "DJANGO_STATIC_MANIFEST", "PAGE_CACHE_SECONDS", "DJANGO_ROOT_URLCONF", "SITE_URL")

PHASES = {
    "warm": ("warm cache (default settings)", {}),
    "nocache": ("caching off (PAGE_CACHE_SECONDS=0)", {"PAGE_CACHE_SECONDS": "0"}),
}


@dataclass
class Result:
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    status: str = ""
    size: int = 0
    requests: int = 0


class Servers:
    """Every process the benchmark starts, so all of them can be stopped whatever happens."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.log_dir / f"{name}.log"
        with log.open("ab") as handle:
            # A session of its own: Ctrl-C reaches only us, and stop() can end the whole process group.
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append((name, process, log))
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGINT)  # quick shutdown for gunicorn and uvicorn
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.processes = [entry for entry in self.processes if entry[1] is not process]

    def stop_all(self) -> None:
        for _name, process, _log in list(self.processes):
            self.stop(process)

    def log_tail(self, process: subprocess.Popen, lines: int = 30) -> str:
        for _name, candidate, log in self.processes:
            if candidate is process:
                return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def probe(url: str, timeout: float = 30) -> tuple[int, int]:
    """Status and body size of one request, redirects not followed."""
    try:
        with _opener.open(url, timeout=timeout) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def settle(url: str, timeout: float = 120) -> None:
    """Wait until the server is idle: requests queued by the last run, whose clients left, finish first.

    One quick answer only shows one worker is free, so it takes several quick answers in a row.
    """
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 6 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            probe(url, timeout=10)
            quick = quick + 1 if time.monotonic() - started < 0.25 else 0
        except OSError:
            quick = 0
        time.sleep(0.05)


def wait_until_up(servers: Servers, process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The server stopped while starting:\n{servers.log_tail(process)}")
        try:
            probe(url)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer {url} within {timeout:.0f} s:\n{servers.log_tail(process)}")


def find_wrk() -> str:
    wrk = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
    if not wrk:
        raise SystemExit(
            "wrk is needed: install it with `sudo apt-get install -y wrk` (or `brew install wrk`)."
        )
    return wrk


def run_wrk(wrk: str, url: str, seconds: float, args: argparse.Namespace, connections: int = 0) -> dict:
    connections = connections or args.connections
    threads = max(1, min(args.threads, connections))
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "report.lua"),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise SystemExit(f"wrk gave no report for {url}:\n{output}")


def measure(
    wrk: str,
    base: str,
    pages: list[tuple[str, str]],
    idle_path: str,
    args: argparse.Namespace,
    warm_every_worker: bool = False,
) -> list[Result]:
    """wrk on each page in turn; with warm_every_worker the warm-up uses every connection, so that
    each worker (whose local-memory cache is its own) has rendered the page before the measured run."""
    results = []
    for label, path in pages:
        url = base + path
        result = Result(label, path)
        settle(base + idle_path)
        try:
            status, size = probe(url)
        except OSError as error:  # a page slower than 30 s is not worth loading further
            result.status = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            print(f"  {label:<34} skipped: the first request failed ({result.status})", flush=True)
            results.append(result)
            continue
        result.status, result.size = str(status), size
        if args.warmup:
            # Loads each worker's templates (and fills the cache). Otherwise few connections: whatever
            # is still queued when wrk stops is worked off before the measured run, and slow pages pile up.
            connections = args.connections if warm_every_worker else min(args.connections, 4)
            run_wrk(wrk, url, args.warmup, args, connections=connections)
            settle(base + idle_path)
        report = run_wrk(wrk, url, args.duration, args)
        seconds = report["duration_us"] / 1e6
        result.requests = report["requests"]
        result.rps = report["requests"] / seconds if seconds else 0.0
        result.p50_ms = report["p50_us"] / 1000
        result.p99_ms = report["p99_us"] / 1000
        result.errors = sum(report[key] for key in ("connect", "read", "write", "status", "timeout"))
        if result.requests:
            timing = f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
        else:
            timing = f"no request finished within {args.duration:g} s"
        print(
            f"  {label:<34} {result.rps:9.0f} rps  {timing}  errors {result.errors}"
            f"  (HTTP {status}, {size} bytes)",
            flush=True,
        )
        results.append(result)
    return results


def build_dataset(db_url: str, rebuild: bool) -> dict:
    command = [sys.executable, str(BENCH / "synth.py"), "--url", db_url] + (["--rebuild"] if rebuild else [])
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def collect_static(static_root: Path) -> str:
    """Collect into a temporary folder; return the hashed URL path of the site's stylesheet."""
    env = {**os.environ, **SERVER_ENV, "TRACKER_BENCH_STATIC_ROOT": str(static_root)}
    for name in CLEARED_ENV:
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    # The manifest storage serves hashed names only; take the stylesheet's, or any file if it is missing.
    name = "css/site.css" if "css/site.css" in manifest else next(iter(sorted(manifest)), None)
    if name is None:
        return ""
    return "/static/" + manifest[name]


def tracker_pages(info: dict, static_path: str) -> list[tuple[str, str]]:
    kind, member = info["type_slug"], info["member_slug"]
    pages = [
        ("baseline (bare Django view)", "/bench/baseline/"),
        ("overview", "/"),
        ("pledge list, filtered", f"/pledges/?type={kind}&status=committed"),
        ("country page", f"/members/{member}/"),
        ("country embed", f"/members/{member}/embed/"),
        ("API pledge list, filtered", f"/api/v1/pledges/?type={kind}&status=committed"),
        ("CSV export, filtered", f"/pledges/?type={kind}&format=csv"),
    ]
    if static_path:
        pages.append(("static file", static_path))
    return pages


def serve_tracker(servers: Servers, db_url: str, static_root: Path, extra_env: dict) -> tuple:
    port = free_port()
    env = {**os.environ, **SERVER_ENV, **extra_env}
    for name in CLEARED_ENV:
        if name not in extra_env:
            env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": db_url,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "TRACKER_BENCH_STATIC_ROOT": str(static_root),
        }
    )
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "tracker.wsgi"]
    process = servers.start(f"gunicorn-{port}", command, env)
    base = f"http://{HOST}:{port}"
    wait_until_up(servers, process, base + "/bench/baseline/")
    return process, base


def serve_datasette(servers: Servers) -> tuple:
    datasette = BIN / "datasette"
    if not datasette.exists():
        raise SystemExit("Datasette is not installed: run `pip install -e '.[bench]'` (or `make bench`).")
    port = free_port()
    command = [
        str(datasette),
        "serve",
        str(SQLITE_FILE),
        "--host",
        HOST,
        "-p",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    process = servers.start(f"datasette-{port}", command, dict(os.environ))
    base = f"http://{HOST}:{port}"
    wait_until_up(servers, process, base + "/-/versions.json")
    return process, base


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def table(results: list[Result], baseline: float | None, duration: float) -> list[str]:
    lines = [
        "| page | rps | × baseline | p50 ms | p99 ms | errors | HTTP | bytes |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        ratio = f"{r.rps / baseline:.2f}" if baseline else "–"
        if r.requests:
            p50, p99 = fmt(r.p50_ms), fmt(r.p99_ms)
        else:  # wrk counts only requests that finish within the run
            p50 = p99 = f"> {fmt(duration * 1000, 0)}" if r.status.isdigit() else "–"
        lines.append(
            f"| {r.label} `{r.path}` | {fmt(r.rps, 0 if r.rps >= 10 else 1)} | {ratio} | {p50} | {p99} "
            f"| {r.errors} | {r.status} | {r.size:,} |"
        )
    return lines


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def gunicorn_shape() -> str:
    output = subprocess.run(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--print-config", "tracker.wsgi"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        capture_output=True,
        text=True,
    ).stdout
    config = dict(
        (line.split("=", 1)[0].strip(), line.split("=", 1)[1].strip())
        for line in output.splitlines()
        if "=" in line
    )
    workers, threads = config.get("workers", "?"), config.get("threads", "?")
    return f"{workers} workers × {threads} threads ({config.get('worker_class', '?')})"


def bench_database(
    servers: Servers,
    wrk: str,
    db: str,
    db_url: str,
    static_root: Path,
    static_path: str,
    phases: list[str],
    args: argparse.Namespace,
) -> list[str]:
    """Every phase on one database, and Datasette beside it on SQLite; the report's lines for it."""
    print(f"Preparing the synthetic {db} database…", flush=True)
    info = build_dataset(db_url, args.rebuild)
    counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in info["counts"].items())
    report = ["", f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'}", "", f"Dataset: {counts}."]
    pages = tracker_pages(info, static_path)
    by_phase = {}
    for phase in phases:
        title, extra_env = PHASES[phase]
        print(f"== {db}, {title}", flush=True)
        process, base = serve_tracker(servers, db_url, static_root, extra_env)
        try:
            results = measure(wrk, base, pages, "/bench/baseline/", args, warm_every_worker=phase == "warm")
        finally:
            servers.stop(process)
        by_phase[phase] = results
        baseline = next((r.rps for r in results if r.path == "/bench/baseline/"), None)
        report += ["", f"### {title}", "", *table(results, baseline, args.duration)]
    if db != "sqlite" or args.no_datasette:
        return report

    print("== datasette, same SQLite file", flush=True)
    query = f"status=committed&pledge_type_id={info['type_id']}"
    peer_pages = [
        ("Datasette table, filtered (HTML)", f"/bench/pledges_pledge?{query}"),
        ("Datasette table, filtered (JSON)", f"/bench/pledges_pledge.json?{query}"),
    ]
    process, base = serve_datasette(servers)
    try:
        peer = measure(wrk, base, peer_pages, "/-/versions.json", args)
    finally:
        servers.stop(process)
    report += ["", "### Peer: Datasette serving the same file", "", *table(peer, None, args.duration)]
    report += [
        "",
        "| tracker rps ÷ Datasette rps | " + " | ".join(phases) + " |",
        "|---|" + "--:|" * len(phases),
    ]
    pairs = [(pages[2][1], peer[0]), (pages[5][1], peer[1])]  # the filtered pledge list and API list
    for tracker_path, peer_result in pairs:
        cells = []
        for phase in phases:
            mine = next(r for r in by_phase[phase] if r.path == tracker_path)
            cells.append(f"{mine.rps / peer_result.rps:.2f}" if peer_result.rps else "–")
        report.append(f"| `{tracker_path}` vs `{peer_result.path}` | " + " | ".join(cells) + " |")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per URL (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="unmeasured seconds per URL first (default 2)"
    )
    parser.add_argument("--phases", default="warm,nocache", help="comma-separated: warm, nocache")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the synthetic dataset")
    parser.add_argument("--no-datasette", action="store_true", help="skip the Datasette comparison")
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if unknown := [p for p in phases if p not in PHASES]:
        parser.error(f"unknown phase(s): {', '.join(unknown)}")
    if args.duration <= 0 or args.duration > 120 or not 1 <= args.connections <= 512:
        parser.error("--duration must be within 0–120 s and --connections within 1–512")

    wrk = find_wrk()
    # SIGTERM ends the run like Ctrl-C does, through the finally below that stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    databases = {"sqlite": f"sqlite:///{SQLITE_FILE}", "postgres": args.postgres_url}
    chosen = ["sqlite", "postgres"] if args.db == "both" else [args.db]

    stamp = time.strftime("%Y%m%d-%H%M%S")
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    report = [
        f"# Benchmark {stamp}",
        "",
        f"- commit {git_commit()}; {machine}",
        f"- gunicorn: {gunicorn_shape()}, access log off",
        f"- wrk: {args.threads} threads, {args.connections} connections, {fmt(args.duration, 0)} s per URL "
        f"after {fmt(args.warmup, 0)} s warm-up",
        "- errors = non-2xx/3xx responses + socket errors (connect, read, write, timeout)",
    ]

    results_dir = BENCH / "results"
    log_dir = results_dir / f"{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as temp:
        temp_dir = Path(temp)
        servers = Servers(log_dir)
        try:
            static_root = temp_dir / "static"
            print("Collecting static files…", flush=True)
            static_path = collect_static(static_root)
            for db in chosen:
                report += bench_database(
                    servers, wrk, db, databases[db], static_root, static_path, phases, args
                )
        finally:
            servers.stop_all()

    text = "\n".join(report) + "\n"
    print()
    print(text)
    (results_dir / f"{stamp}.md").write_text(text)
    saved = (results_dir / f"{stamp}.md").relative_to(ROOT)
    print(f"Saved to {saved}; server logs in {log_dir.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
