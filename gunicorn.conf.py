"""Gunicorn settings for production (`gunicorn -c gunicorn.conf.py tracker.wsgi`).

Environment variables:
PORT / GUNICORN_BIND    where to listen: GUNICORN_BIND wins ("0.0.0.0:8000", "unix:/run/tracker.sock"),
                        else 0.0.0.0:$PORT as platforms that set PORT expect, else 127.0.0.1:8000
GUNICORN_WORKERS        worker processes (default 2 × cores + 1, at most 12)
GUNICORN_THREADS        threads per worker (default 4)
GUNICORN_ACCESS_LOG     "false" to stop the access log (the benchmark does, so it measures the app)
GUNICORN_MAX_REQUESTS   recycle a worker after this many requests (default 0: never; see below)
"""

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"{name} must be true or false, not {value!r}.")


def _bind() -> str:
    if os.environ.get("GUNICORN_BIND"):
        return os.environ["GUNICORN_BIND"]
    if os.environ.get("PORT"):
        # A platform that sets PORT routes to the container from outside, so listen on every interface.
        return f"0.0.0.0:{_env_int('PORT', 8000)}"
    # Nothing said: only this machine, behind a reverse proxy on the same host.
    return "127.0.0.1:8000"


bind = [_bind()]

# The classic sizing rule, capped: past a dozen workers a small site only adds memory and database
# connections (each worker keeps its own psycopg pool of up to DATABASE_POOL_MAX connections).
workers = _env_int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
# Threads let one worker overlap requests waiting on the database; pages are mostly I/O-bound on cache
# misses and CPU-bound on template rendering, so a few threads help and many only contend for the GIL.
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)

# A request that takes longer than this is stuck; the worker is killed and replaced rather than left hanging.
timeout = 30
# On restart or deploy, requests in flight get this long to finish before the worker is killed.
graceful_timeout = 30
# Short keep-alive: long enough for a browser to fetch a page's CSS and JS on one connection, short
# enough that idle connections do not tie up threads.
keepalive = 5

# Each worker imports the app itself: the psycopg connection pool opens sockets, which must not be
# shared across fork(), so preloading in the master would hand every worker the same connections.
preload_app = False

# Workers are not recycled by default. Recycling closed every keep-alive connection the worker held,
# mid-load (wrk saw dropped connections every 2,000 requests), and nothing needs it any more: no
# answer is held whole in a worker's memory (downloads are files, exports stream, the local page
# cache keeps at most LOCMEM_CACHE_ENTRIES pages of at most 2 MB), so memory stays flat. A host that
# wants it anyway sets a large GUNICORN_MAX_REQUESTS; the jitter keeps workers from restarting at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max(max_requests // 10, 0)

# Logs go to stdout/stderr, where the process supervisor or container runtime collects them.
accesslog = "-" if _env_bool("GUNICORN_ACCESS_LOG", True) else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The address is the proxy's when behind one; X-Forwarded-For is logged alongside for that case.
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Requests larger than this are refused before Django sees them (Django also limits bodies to 2 MB).
limit_request_line = 8190
limit_request_fields = 100

# Temporary files for worker heartbeats in memory rather than on a disk that may be slow or read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
