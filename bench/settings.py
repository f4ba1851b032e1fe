"""The production settings, plus what only the benchmark needs.

Everything comes from tracker/settings.py unchanged (DEBUG off, the same middleware, caching and
database pool), so the numbers describe the real configuration. Two additions:
- STATIC_ROOT from TRACKER_BENCH_STATIC_ROOT, so `collectstatic` for a run goes to a temporary folder;
- the URLs from bench/baseline_urls.py, which add the baseline view when TRACKER_BENCH_BASELINE=1.
"""

import os

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"

if os.environ.get("TRACKER_BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["TRACKER_BENCH_STATIC_ROOT"]
