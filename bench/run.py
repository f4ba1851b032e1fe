"""Measure the tracker under its production server configuration, against a bare Django view (issue 13).

    python bench/run.py                                  # everything: about 30 minutes on 2 cores
    python bench/run.py --sizes 10000 --db sqlite --caches locmem --phases warm   # one corner

For each data size (10,000 and 50,000 pledges, bench/synth.py), each database (SQLite, PostgreSQL) and
each cache (local memory, Redis) it starts gunicorn with gunicorn.conf.py on a free loopback port and
measures each page with wrk, with the page cache on (warm) and off (cold, PAGE_CACHE_SECONDS=0), as a
ratio to a fixed response measured on the same server. Every request says what a browser behind the
TLS proxy says: `X-Forwarded-Proto: https` (production settings redirect plain HTTP) and
`Accept-Encoding: gzip, br`. Then, per size and database: the downloads and the list exports (first
request, a repeat, and the workers' memory while one client downloads everything 20 times), and at
50,000 pledges each page's time alone. It prints markdown tables and saves them to
bench/results/<timestamp>.md. See bench/README.md for how to read them.

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
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
HOST = "127.0.0.1"

# What a browser behind the production TLS proxy sends. Without the first header every request is a
# 301 to HTTPS (production settings), and the figures mean nothing.
BROWSER_HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip, br"}

# Settings every tracker server in the benchmark runs with: production settings as deployed behind TLS.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789",
    "DJANGO_ALLOWED_HOSTS": HOST,
    "GUNICORN_ACCESS_LOG": "false",
    "TRACKER_BENCH_BASELINE": "1",
}
# Inherited values that would change what is measured.
CLEARED_ENV = (
    "PORT",
    "DJANGO_STATIC_MANIFEST",
    "DJANGO_SECURE_SSL",
    "PAGE_CACHE_SECONDS",
    "DJANGO_ROOT_URLCONF",
    "SITE_URL",
    "CACHE_URL",
    "DOWNLOADS_DIR",
)

PHASES = {
    "warm": ("warm", "page cache on (default settings)", {}),
    "cold": ("cold", "page cache off (PAGE_CACHE_SECONDS=0)", {"PAGE_CACHE_SECONDS": "0"}),
}
CACHES = {"locmem": "local memory", "redis": "Redis"}
DB_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@dataclass
class Result:
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    error_detail: str = ""
    status: str = ""
    requests: int = 0
    restarted: bool = False


@dataclass
class Sizes:
    plain: int = 0
    gzip: int = 0
    br: int = 0
    statuses: set = field(default_factory=set)


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

    def log_of(self, process: subprocess.Popen) -> Path | None:
        for _name, candidate, log in self.processes:
            if candidate is process:
                return log
        return None

    def log_tail(self, process: subprocess.Popen, lines: int = 30) -> str:
        log = self.log_of(process)
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log else ""


class ForeignCpu(threading.Thread):
    """How much CPU processes outside this run use (a test suite, a browser), sampled from /proc every
    second: the run's own processes are this one and everything it started (servers, wrk, synth.py),
    plus the PostgreSQL backends connected to the benchmark's database; Redis counts as neither."""

    def __init__(self):
        super().__init__(daemon=True)
        self.me = os.getpid()
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.cpus = os.cpu_count() or 1
        self.foreign = 0.0  # CPU seconds
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    database = urlsplit(DEFAULT_POSTGRES_URL).path.strip("/")

    def sample(self) -> dict[int, tuple[int, int, int, str]]:
        """pid → (ppid, start time, CPU ticks, kind: "", "ours" or "neutral")."""
        found = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as handle:
                    head, rest = handle.read().rsplit(")", 1)
                kind = ""
                comm = head.split("(", 1)[1]
                if comm.startswith("redis"):
                    kind = "neutral"
                elif comm == "postgres":
                    with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                        title = handle.read().decode(errors="replace")
                    kind = "ours" if f" {self.database} " in title else ""
            except OSError:
                continue
            fields = rest.split()
            found[int(entry.name)] = (
                int(fields[1]),
                int(fields[19]),
                int(fields[11]) + int(fields[12]),
                kind,
            )
        return found

    def ours(self, pid: int, table: dict) -> bool:
        for _ in range(64):
            if pid == self.me:
                return True
            if pid not in table or pid <= 1:
                return False
            pid = table[pid][0]
        return False

    def run(self) -> None:
        previous = self.sample()
        while not self.stopping.wait(1.0):
            current = self.sample()
            used = 0
            for pid, (_ppid, start, ticks, kind) in current.items():
                before = previous.get(pid)
                if before and before[1] == start and not kind and not self.ours(pid, current):
                    used += ticks - before[2]
            with self.lock:
                self.foreign += used / self.ticks
            previous = current

    def mark(self) -> tuple[float, float]:
        with self.lock:
            return time.monotonic(), self.foreign

    def share_since(self, mark: tuple[float, float]) -> float:
        """Share of the whole machine's CPU (all cores) other processes used since `mark`."""
        now, foreign = self.mark()
        elapsed = now - mark[0]
        return (foreign - mark[1]) / (elapsed * self.cpus) if elapsed > 0 else 0.0


FOREIGN = ForeignCpu()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, encoding: str = "gzip, br", timeout: float = 30) -> tuple[int, int, float]:
    """Status, body size as sent (compressed or not) and seconds to the last byte of one request, redirects
    not followed; the body is read in chunks and dropped, so a large download costs no memory here."""
    headers = {**BROWSER_HEADERS, "Accept-Encoding": encoding}
    request = urllib.request.Request(url, headers=headers)
    started = time.monotonic()
    try:
        response = _opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    size = 0
    with response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
        status = response.status if hasattr(response, "status") else response.code
    return status, size, time.monotonic() - started


def settle(url: str, timeout: float = 120) -> bool:
    """Wait until the server is idle: requests queued by the last run, whose clients left, finish first;
    False if it is still busy after `timeout` seconds.

    One quick answer only shows one worker is free, so it takes several quick answers in a row.
    """
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 6 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(url, timeout=10)
            quick = quick + 1 if time.monotonic() - started < 0.25 else 0
        except OSError:
            quick = 0
        time.sleep(0.05)
    return quick >= 6


def wait_until_up(servers: Servers, process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The server stopped while starting:\n{servers.log_tail(process)}")
        try:
            status, _size, _seconds = fetch(url)
            if status != 200:
                raise SystemExit(
                    f"{url} answered HTTP {status}, not 200 (a redirect means X-Forwarded-Proto was ignored)."
                )
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
    headers = [part for name, value in BROWSER_HEADERS.items() for part in ("-H", f"{name}: {value}")]
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        *headers,
        "-s",
        str(BENCH / "report.lua"),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise SystemExit(f"wrk gave no report for {url}:\n{output}")


def measure_sizes(base: str, pages: list[tuple[str, str]]) -> dict[str, Sizes]:
    """Each page's body as sent: plain, gzip and brotli (one request each, before any load)."""
    sizes = {}
    for _label, path in pages:
        entry = Sizes()
        for attribute, encoding in (("plain", "identity"), ("gzip", "gzip"), ("br", "br")):
            try:
                status, size, _seconds = fetch(base + path, encoding=encoding, timeout=60)
                setattr(entry, attribute, size)
                entry.statuses.add(str(status))
            except OSError as error:
                entry.statuses.add(type(error).__name__)
        sizes[path] = entry
    return sizes


def single_times(base: str, pages: list[tuple[str, str]], repeats: int) -> dict[str, list[float]]:
    """Each page alone, one request at a time: `repeats` times each, on an idle server."""
    times = {}
    for _label, path in pages:
        if path == "/bench/baseline/":
            continue
        fetch(base + path, timeout=120)  # loads the templates and the database's pages; not counted
        samples = []
        for _ in range(repeats):
            try:
                status, _size, seconds = fetch(base + path, timeout=120)
                samples.append(seconds if status == 200 else float("nan"))
            except OSError:
                samples.append(float("nan"))
        times[path] = samples
    return times


def measure(
    wrk: str,
    server: "TrackerServer",
    pages: list[tuple[str, str]],
    idle_path: str,
    args: argparse.Namespace,
    warm_every_worker: bool = False,
    restart_when_busy: float = 0,
) -> list[Result]:
    """wrk on each page in turn; with warm_every_worker the warm-up uses every connection, so that
    each worker (whose local-memory cache is its own) has rendered the page before the measured run.

    With restart_when_busy, a server still busy that many seconds after a measured run is restarted
    instead of waited for: with the cache off, the requests a slow page leaves queued (up to one per
    connection) take minutes to work off on two cores, and would delay the next page, not change it."""
    results = []
    for label, path in pages:
        base = server.base
        url = base + path
        result = Result(label, path)
        settle(base + idle_path)
        try:
            status, size, _seconds = fetch(url)
        except OSError as error:  # a page slower than 30 s is not worth loading further
            result.status = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            print(f"    {label:<28} skipped: the first request failed ({result.status})", flush=True)
            results.append(result)
            continue
        result.status = str(status)
        if args.warmup:
            # Loads each worker's templates (and fills the cache). Otherwise few connections: whatever
            # is still queued when wrk stops is worked off before the measured run, and slow pages pile up.
            connections = args.connections if warm_every_worker else min(args.connections, 4)
            run_wrk(wrk, url, args.warmup, args, connections=connections)
            settle(base + idle_path)
        report = run_wrk(wrk, url, args.duration, args)
        if restart_when_busy and not settle(base + idle_path, timeout=restart_when_busy):
            server.restart()
            result.restarted = True
        seconds = report["duration_us"] / 1e6
        result.requests = report["requests"]
        result.rps = report["requests"] / seconds if seconds else 0.0
        result.p50_ms = report["p50_us"] / 1000
        result.p99_ms = report["p99_us"] / 1000
        kinds = ("status", "connect", "read", "write", "timeout")
        result.errors = sum(report[key] for key in kinds)
        result.error_detail = ", ".join(f"{report[key]} {key}" for key in kinds if report[key])
        if status != 200:
            result.error_detail = f"HTTP {status}; " + result.error_detail
        if result.requests:
            timing = f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
        else:
            timing = f"no request finished within {args.duration:g} s"
        print(
            f"    {label:<28} {result.rps:8.0f} rps  {timing}  errors {result.errors}"
            f"{' (' + result.error_detail + ')' if result.error_detail else ''}  (HTTP {status}, {size:,} B)",
            flush=True,
        )
        results.append(result)
    return results


def database_url(db: str, pledges: int, args: argparse.Namespace) -> str:
    """SQLite: a file per size under bench/; PostgreSQL: a schema per size in the one database."""
    if db == "sqlite":
        return f"sqlite:///{BENCH / f'bench-{pledges}.sqlite3'}"
    parts = urlsplit(args.postgres_url)
    options = quote(f"-c search_path=synthetic_{pledges}")
    return parts._replace(query=f"options={options}").geturl()


def build_dataset(db_url: str, pledges: int, rebuild: bool) -> dict:
    command = [sys.executable, str(BENCH / "synth.py"), "--url", db_url, "--pledges", str(pledges)]
    command += ["--rebuild"] if rebuild else []
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def collect_static(static_root: Path) -> None:
    env = {**os.environ, **SERVER_ENV, "TRACKER_BENCH_STATIC_ROOT": str(static_root)}
    for name in CLEARED_ENV:
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def tracker_pages(info: dict) -> list[tuple[str, str]]:
    kind, member = info["type_slug"], info["member_slug"]
    return [
        ("baseline (fixed response)", "/bench/baseline/"),
        ("overview", "/"),
        ("pledge list, filtered", f"/pledges/?type={kind}&status=committed"),
        ("country page (largest)", f"/members/{member}/"),
        ("country embed (largest)", f"/members/{member}/embed/"),
        ("API pledge list, by type", f"/api/v1/pledges/?type={kind}"),
    ]


DOWNLOADS = [
    ("full download, JSON", "/download/tracker.json"),
    ("full download, CSV zip", "/download/tracker-csv.zip"),
    ("list export, CSV", "/pledges/?format=csv"),
    ("list export, JSON", "/pledges/?format=json"),
]


def flush_redis(url: str) -> None:
    """Empty the benchmark's Redis database, so no run reads pages another size or database left there
    (an empty history gives every synthetic dataset the same data version)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def serve_tracker(
    servers: Servers, db_url: str, static_root: Path, extra_env: dict, downloads_dir: Path, name: str
) -> tuple:
    port = free_port()
    env = {**os.environ, **SERVER_ENV}
    for key in CLEARED_ENV:
        env.pop(key, None)
    env.update(extra_env)
    env.update(
        {
            "DATABASE_URL": db_url,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "TRACKER_BENCH_STATIC_ROOT": str(static_root),
            "DOWNLOADS_DIR": str(downloads_dir),
        }
    )
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "tracker.wsgi"]
    process = servers.start(f"{name}-{port}", command, env)
    base = f"http://{HOST}:{port}"
    wait_until_up(servers, process, base + "/bench/baseline/")
    return process, base


class TrackerServer:
    """One gunicorn configuration, which can be restarted on a new port with the same settings."""

    def __init__(
        self, servers: Servers, db_url: str, static_root: Path, extra_env: dict, downloads: Path, name
    ):
        self.servers, self.args = servers, (db_url, static_root, extra_env, downloads, name)
        self.logs: list[Path] = []
        self.restarts = 0
        self.process, self.base = None, ""

    def start(self) -> "TrackerServer":
        self.process, self.base = serve_tracker(self.servers, *self.args)
        self.logs.append(self.servers.log_of(self.process))
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.servers.stop(self.process)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces, so split after the closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """VmRSS of every worker of a gunicorn master, every 0.1 s, keeping each worker's maximum."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.peak: dict[int, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            for pid in worker_pids(self.master):
                self.peak[pid] = max(self.peak.get(pid, 0), rss_kib(pid))
            time.sleep(0.1)

    def stop(self) -> dict[int, int]:
        self.stopping.set()
        self.join()
        return self.peak


def bench_downloads(base: str, master: int, repeats: int, budget: float) -> dict:
    """First request (builds the file) and a repeat of each download and export, then the same client
    downloads everything again, in a row, until each has been fetched `repeats` times: the two files
    always; the list exports (which are rendered again on every request) only while `budget` seconds
    allow. VmRSS of every worker is sampled throughout."""
    time.sleep(1)
    fresh = {pid: rss_kib(pid) for pid in worker_pids(master)}
    timings = []
    first_two = RssSampler(master)
    first_two.start()
    try:
        for label, path in DOWNLOADS:
            first = fetch(base + path, timeout=900)
            again = fetch(base + path, timeout=900)
            is_file = path.startswith("/download/")
            plain = fetch(base + path, encoding="identity", timeout=900) if is_file else None
            timings.append((label, path, first, again, plain))
            extra = f"; uncompressed {plain[1]:,} B in {plain[2]:.2f} s" if plain else ""
            print(
                f"    {label:<24} first {first[2]:6.2f} s, repeat {again[2]:6.2f} s "
                f"({again[1]:,} B as sent{extra}), HTTP {first[0]}",
                flush=True,
            )
    finally:
        first_peak = first_two.stop()
    time.sleep(1)
    before = {pid: rss_kib(pid) for pid in worker_pids(master)}
    sampler = RssSampler(master)
    sampler.start()
    started = time.monotonic()
    statuses: dict[int, int] = {}
    fetched = {path: 2 for _label, path in DOWNLOADS}  # the first request and the repeat above
    export_seconds = max((t[2][2] + t[3][2]) / 2 for t in timings if not t[1].startswith("/download/"))
    try:
        for _ in range(2, repeats):
            exports_fit = time.monotonic() - started + 2 * export_seconds <= budget
            for _label, path in DOWNLOADS:
                if not path.startswith("/download/") and not exports_fit:
                    continue
                status = fetch(base + path, timeout=900)[0]
                statuses[status] = statuses.get(status, 0) + 1
                fetched[path] += 1
    finally:
        peak = sampler.stop()
    loop_seconds = time.monotonic() - started
    time.sleep(1)
    after = {pid: rss_kib(pid) for pid in worker_pids(master)}
    print(
        f"    repeated in {loop_seconds:.1f} s: {fetched}; peak worker RSS "
        f"{max(peak.values(), default=0) / 1024:.0f} MiB; statuses {statuses}",
        flush=True,
    )
    return {
        "timings": timings,
        "fresh": fresh,
        "build_peak": first_peak,
        "before": before,
        "peak": peak,
        "after": after,
        "loop_seconds": loop_seconds,
        "statuses": statuses,
        "fetched": fetched,
        "repeats": repeats,
        "budget": budget,
    }


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def ratio(value: float, baseline: float | None) -> str:
    if not baseline:
        return "–"
    r = value / baseline
    return f"{r:.3f}" if r < 0.1 else f"{r:.2f}"


def p99_cell(r: Result, duration: float) -> str:
    if r.requests:
        return fmt(r.p99_ms, 0)
    # wrk counts only requests that finish within the run
    return f"> {fmt(duration * 1000, 0)}" if r.status.isdigit() else "–"


def errors_cell(r: Result) -> str:
    if not r.status.isdigit():
        return f"first request: {r.status}"
    cell = f"{r.errors} ({r.error_detail})" if r.error_detail else str(r.errors)
    return cell + (" ↻" if r.restarted else "")


def page_table(runs: dict[str, list[Result]], phases: list[str], duration: float) -> list[str]:
    """One row per page; per phase: rps, ratio to that server's baseline, p99, errors."""
    head = "| page |" + "".join(
        f" {PHASES[p][0]} rps | {PHASES[p][0]} × base | {PHASES[p][0]} p99 ms | {PHASES[p][0]} errors |"
        for p in phases
    )
    lines = [head, "|---|" + "--:|--:|--:|--:|" * len(phases)]
    first = runs[phases[0]]
    for index, page in enumerate(first):
        cells = [f"| {page.label} `{page.path}` |"]
        for phase in phases:
            results = runs[phase]
            baseline = results[0].rps if results and results[0].path == "/bench/baseline/" else None
            r = results[index]
            rps = fmt(r.rps, 0 if r.rps >= 10 else 1)
            cells.append(f" {rps} | {ratio(r.rps, baseline)} | {p99_cell(r, duration)} | {errors_cell(r)} |")
        lines.append("".join(cells))
    return lines


def size_table(sizes: dict[str, Sizes], pages: list[tuple[str, str]]) -> list[str]:
    lines = [
        "| page | plain bytes | gzip bytes | br bytes | br ÷ plain | HTTP |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for label, path in pages:
        s = sizes.get(path)
        if not s:
            continue
        share = f"{s.br / s.plain:.2f}" if s.plain else "–"
        statuses = "/".join(sorted(s.statuses))
        lines.append(f"| {label} `{path}` | {s.plain:,} | {s.gzip:,} | {s.br:,} | {share} | {statuses} |")
    return lines


def downloads_table(d: dict) -> list[str]:
    lines = [
        "| download | first (builds) s | repeat s | bytes as sent (gzip, br) | uncompressed bytes | "
        "uncompressed repeat s | HTTP | fetched in all |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for label, path, first, again, plain in d["timings"]:
        plain_cells = f"{plain[1]:,} | {plain[2]:.2f}" if plain else "– | –"
        lines.append(
            f"| {label} `{path}` | {first[2]:.2f} | {again[2]:.2f} | {again[1]:,} | {plain_cells} "
            f"| {first[0]} | {d['fetched'][path]}× |"
        )
    short = [p for p, n in d["fetched"].items() if n < d["repeats"]]
    cut = (
        f" The exports stopped at {min(d['fetched'][p] for p in short)}× of {d['repeats']}: one more pair "
        f"would not fit the {d['budget']:.0f} s budget (--download-budget)."
        if short
        else ""
    )
    lines += [
        "",
        f"Workers' VmRSS while one client downloads everything in a row (the repeats took "
        f"{d['loop_seconds']:.0f} s; statuses {d['statuses']}).{cut} 'fresh': before any download; "
        "'first two': peak during the first requests and repeats above; 'loop': peak during the repeats.",
        "",
        "| worker pid | fresh MiB | peak, first two MiB | before loop MiB | peak, loop MiB | after MiB |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    keys = ("fresh", "build_peak", "before", "peak", "after")
    for pid in sorted(set().union(*(d[key] for key in keys))):
        cells = [d[key].get(pid) for key in keys]
        lines.append(f"| {pid} | " + " | ".join("–" if c is None else fmt(c / 1024, 0) for c in cells) + " |")
    return lines


def single_table(times: dict[str, list[float]], pages: list[tuple[str, str]]) -> list[str]:
    lines = ["| page | median ms | min ms | max ms |", "|---|--:|--:|--:|"]
    labels = dict((path, label) for label, path in pages)
    for path, samples in times.items():
        good = [s for s in samples if s == s]  # drop NaN (an error)
        if not good:
            lines.append(f"| {labels[path]} `{path}` | error | | |")
            continue
        note = "" if len(good) == len(samples) else f" ({len(samples) - len(good)} errors)"
        lines.append(
            f"| {labels[path]} `{path}` | {statistics.median(good) * 1000:,.0f}{note} "
            f"| {min(good) * 1000:,.0f} | {max(good) * 1000:,.0f} |"
        )
    return lines


def server_errors(log: Path | None) -> list[str]:
    """Each distinct error in a server's log: the request, the exception and the innermost traceback line,
    with how often it occurred; worker timeouts and crashes too."""
    if not log or not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    found: dict[str, int] = {}
    for index, line in enumerate(lines):
        if line.startswith(("Internal Server Error", "Bad Request", "Error handling request")):
            block = []
            for text in lines[index + 1 : index + 400]:
                if text.startswith(("Internal Server Error", "Bad Request", "Error handling request", "[")):
                    break
                block.append(text)
            frames = [text.strip() for text in block if text.strip().startswith('File "')]
            exceptions = [
                text for text in block if text and not text.startswith((" ", "Traceback", "During"))
            ]
            where = frames[-1] if frames else ""
            what = exceptions[-1] if exceptions else ""
            key = " | ".join(part for part in (line.strip(), what, where) if part)
        elif "WORKER TIMEOUT" in line or "was sent SIG" in line or "Exception in worker" in line:
            key = line.split("] ", 2)[-1].strip()
        else:
            continue
        found[key] = found.get(key, 0) + 1
    return [f"{key} (×{count})" for key, count in found.items()]


def git_commit() -> str:
    # Read from .git directly: the benchmark runs no git commands.
    try:
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head.removeprefix("ref: ")
            path = ROOT / ".git" / ref
            if path.exists():
                return path.read_text().strip()[:7]
            for line in (ROOT / ".git" / "packed-refs").read_text().splitlines():
                if line.endswith(ref):
                    return line.split()[0][:7]
        return head[:7]
    except OSError:
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


def bench_one(
    servers: Servers,
    wrk: str,
    pledges: int,
    db: str,
    static_root: Path,
    temp_dir: Path,
    args: argparse.Namespace,
    summary: list[tuple],
) -> list[str]:
    """Every cache and phase for one size and database, then its downloads; the report's lines for it."""
    db_url = database_url(db, pledges, args)
    print(f"== {pledges:,} pledges, {DB_NAMES[db]}: preparing the synthetic data…", flush=True)
    info = build_dataset(db_url, pledges, args.rebuild)
    counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in info["counts"].items())
    spread = info["party_distribution"]
    report = [
        "",
        f"## {pledges:,} pledges, {DB_NAMES[db]}",
        "",
        f"Dataset: {counts}. Largest member `{info['member_slug']}`: party to {info['member_pledges']:,} "
        f"published pledges ({info['member_pledges_all']:,} with drafts); the five largest "
        f"{', '.join(f'{n:,}' for n in spread['largest'])}, median {spread['median']}, "
        f"{spread['joint_pledges']:,} joint pledges.",
    ]
    pages = tracker_pages(info)
    sizes: dict[str, Sizes] = {}
    singles: dict[str, list[float]] = {}
    for cache in args.caches:
        runs, busy = {}, {}
        for phase in args.phases:
            short, title, extra_env = PHASES[phase]
            env = dict(extra_env)
            if cache == "redis":
                env["CACHE_URL"] = args.redis_url
                flush_redis(args.redis_url)
            print(f"  -- {CACHES[cache]} cache, {title}", flush=True)
            downloads_dir = temp_dir / f"downloads-{pledges}-{db}-{cache}-{phase}"
            name = f"gunicorn-{pledges}-{db}-{cache}-{phase}"
            server = TrackerServer(servers, db_url, static_root, env, downloads_dir, name).start()
            mark = FOREIGN.mark()
            try:
                if not sizes:
                    sizes = measure_sizes(server.base, pages)
                if phase == "cold" and pledges in args.single_sizes and not singles:
                    print(f"    single requests, cache off, median of {args.single_repeats}…", flush=True)
                    singles = single_times(server.base, pages, args.single_repeats)
                runs[phase] = measure(
                    wrk,
                    server,
                    pages,
                    "/bench/baseline/",
                    args,
                    warm_every_worker=phase == "warm",
                    restart_when_busy=args.restart_when_busy if phase == "cold" else 0,
                )
            finally:
                server.stop()
            busy[phase] = FOREIGN.share_since(mark)
            summary.append(("busy", busy[phase]))
            print(f"    (other processes used {busy[phase]:.0%} of the machine's CPU meanwhile)", flush=True)
            for log in server.logs:
                for problem in server_errors(log):
                    print(f"    server log: {problem}", flush=True)
                    where = f"{pledges:,} {DB_NAMES[db]}, {CACHES[cache]} cache, {short}"
                    summary.append(("problem", f"- {where}: {problem} (log `{log.name}`)"))
            for r in runs[phase]:
                baseline = runs[phase][0].rps if runs[phase] else 0
                summary.append(("page", pledges, db, cache, phase, r, baseline))
        noise = ", ".join(f"{PHASES[p][0]} {share:.0%}" for p, share in busy.items())
        report += [
            "",
            f"### {CACHES[cache]} cache",
            "",
            *page_table(runs, args.phases, args.duration),
            "",
            f"Other processes' share of the machine's CPU meanwhile: {noise}.",
        ]
    if sizes:
        report += ["", "### Sizes of one answer (the same with either cache)", "", *size_table(sizes, pages)]
    if singles:
        report += [
            "",
            f"### Each page alone (cache off, one request at a time, {args.single_repeats} requests)",
            "",
            *single_table(singles, pages),
        ]
    if args.download_repeats:
        print("  -- downloads and exports (local memory cache, default settings)", flush=True)
        downloads_dir = temp_dir / f"downloads-{pledges}-{db}"
        name = f"gunicorn-{pledges}-{db}-downloads"
        process, base = serve_tracker(servers, db_url, static_root, {}, downloads_dir, name)
        log = servers.log_of(process)
        mark = FOREIGN.mark()
        try:
            downloads = bench_downloads(base, process.pid, args.download_repeats, args.download_budget)
        finally:
            servers.stop(process)
        for problem in server_errors(log):
            print(f"    server log: {problem}", flush=True)
            where = f"{pledges:,} {DB_NAMES[db]}, downloads"
            summary.append(("problem", f"- {where}: {problem} (log `{log.name}`)"))
        share = FOREIGN.share_since(mark)
        summary.append(("busy", share))
        report += [
            "",
            "### Downloads and exports",
            "",
            *downloads_table(downloads),
            "",
            f"Other processes' share of the machine's CPU meanwhile: {share:.0%}.",
        ]
    return report


def summary_table(summary: list[tuple], args: argparse.Namespace) -> list[str]:
    """All ratios to the fixed response in one table: a row per page, a column per configuration."""
    columns = []
    for entry in summary:
        if entry[0] == "page":
            key = entry[1:5]
            if key not in columns:
                columns.append(key)
    if not columns:
        return []
    names = [
        f"{pledges // 1000}k {DB_NAMES[db]} {'Redis' if cache == 'redis' else 'locmem'} {PHASES[phase][0]}"
        for pledges, db, cache, phase in columns
    ]
    lines = [
        "| page | " + " | ".join(names) + " |",
        "|---|" + "--:|" * len(columns),
    ]
    rows: dict[str, dict] = {}
    for entry in summary:
        if entry[0] != "page":
            continue
        _, pledges, db, cache, phase, r, baseline = entry
        cell = ratio(r.rps, baseline) if r.path != "/bench/baseline/" else f"{r.rps:,.0f} rps"
        if r.errors or not r.status.startswith("2"):
            cell += " ⚠"
        rows.setdefault(r.label, {})[(pledges, db, cache, phase)] = cell
    for label, cells in rows.items():
        lines.append(f"| {label} | " + " | ".join(cells.get(key, "–") for key in columns) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000", help="pledge counts, comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--caches", default="locmem,redis", help="comma-separated: locmem, redis")
    parser.add_argument("--phases", default="warm,cold", help="comma-separated: warm, cold")
    parser.add_argument("--duration", type=float, default=5, help="seconds of wrk per URL (default 5)")
    parser.add_argument(
        "--warmup", type=float, default=1, help="unmeasured seconds per URL first (default 1)"
    )
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--download-repeats", type=int, default=20, help="times everything is downloaded in a row (0: skip)"
    )
    parser.add_argument(
        "--restart-when-busy",
        type=float,
        default=3,
        help="cold phase: restart a server still busy this many seconds after a page's run (0: wait)",
    )
    parser.add_argument(
        "--download-budget",
        type=float,
        default=30,
        help="seconds for repeating the list exports, per size and database (default 30)",
    )
    parser.add_argument(
        "--single-sizes", default="50000", help="sizes at which each page is also timed alone ('' for none)"
    )
    parser.add_argument("--single-repeats", type=int, default=5)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the synthetic datasets")
    args = parser.parse_args()

    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        args.single_sizes = {int(s) for s in args.single_sizes.split(",") if s.strip()}
    except ValueError:
        parser.error("--sizes and --single-sizes take whole numbers, e.g. 10000,50000")
    args.caches = [c.strip() for c in args.caches.split(",") if c.strip()]
    args.phases = [{"nocache": "cold"}.get(p.strip(), p.strip()) for p in args.phases.split(",") if p.strip()]
    if unknown := [p for p in args.phases if p not in PHASES]:
        parser.error(f"unknown phase(s): {', '.join(unknown)}")
    if unknown := [c for c in args.caches if c not in CACHES]:
        parser.error(f"unknown cache(s): {', '.join(unknown)}")
    if args.duration <= 0 or args.duration > 120 or not 1 <= args.connections <= 512:
        parser.error("--duration must be within 0–120 s and --connections within 1–512")
    if urlsplit(args.redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--redis-url must be on this machine (the run empties that Redis database)")

    wrk = find_wrk()
    FOREIGN.database = urlsplit(args.postgres_url).path.strip("/")
    FOREIGN.start()
    # SIGTERM ends the run like Ctrl-C does, through the finally below that stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chosen = ["sqlite", "postgres"] if args.db == "both" else [args.db]

    stamp = time.strftime("%Y%m%d-%H%M%S")
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    report = [
        f"# Benchmark {stamp}",
        "",
        f"- commit {git_commit()}; {machine}",
        f"- gunicorn: {gunicorn_shape()}, production settings (HTTPS redirect on), access log off",
        f"- wrk: {args.threads} threads, {args.connections} connections, {fmt(args.duration, 0)} s per URL "
        f"after {fmt(args.warmup, 0)} s warm-up; headers "
        + ", ".join(f"`{k}: {v}`" for k, v in BROWSER_HEADERS.items()),
        "- × base = rps ÷ the fixed response's rps on the same server in the same run",
        "- errors = responses with status ≥ 400 + socket errors (connect, read, write, timeout after 10 s);"
        " each page's status is checked with one request first (a 3xx shows there)",
    ]

    results_dir = BENCH / "results"
    log_dir = results_dir / f"{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    summary: list[tuple] = []
    started = time.monotonic()
    run_mark = FOREIGN.mark()
    sections = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as temp:
        temp_dir = Path(temp)
        servers = Servers(log_dir)
        try:
            static_root = temp_dir / "static"
            print("Collecting static files…", flush=True)
            collect_static(static_root)
            for pledges in args.sizes:
                for db in chosen:
                    sections += bench_one(servers, wrk, pledges, db, static_root, temp_dir, args, summary)
        finally:
            servers.stop_all()
            if "redis" in args.caches:
                try:
                    flush_redis(args.redis_url)
                except Exception:  # noqa: BLE001 - Redis gone: nothing left to clean
                    pass

    shares = [entry[1] for entry in summary if entry[0] == "busy"]
    report += [
        f"- whole run: {(time.monotonic() - started) / 60:.1f} min; other processes used "
        f"{FOREIGN.share_since(run_mark):.0%} of the machine's CPU on average, "
        f"{max(shares, default=0):.0%} at most in one phase"
        + (" — numbers from a busy machine are not worth comparing" if max(shares, default=0) > 0.1 else ""),
        "",
    ]
    report += [
        "## Ratios to the fixed response (⚠: errors or a non-2xx answer)",
        "",
        *summary_table(summary, args),
    ]
    problems = [entry[1] for entry in summary if entry[0] == "problem"]
    if problems:
        report += ["", "## Errors in the server logs", "", *problems]
    report += sections
    text = "\n".join(report) + "\n"
    print()
    print(text)
    (results_dir / f"{stamp}.md").write_text(text)
    saved = (results_dir / f"{stamp}.md").relative_to(ROOT)
    print(f"Saved to {saved}; server logs in {log_dir.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
