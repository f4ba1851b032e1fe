"""Files built once per data version: the full downloads, sent as files rather than held in memory.

The first request after a change builds the file under a lock (other workers asking meanwhile wait
for it, then send the same file); every later request sends it from disk. A file's name carries the
data version and the database, so a change makes the next request build a new one; older files are
removed, keeping the last few for downloads still in progress.
"""

import fcntl
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from pledges.caching import data_version

KEEP = 3


def version_stamp() -> str:
    version = data_version()
    database = f"{connection.vendor}:{connection.settings_dict.get('NAME')}"
    payload = f"{version.isoformat() if version else 'empty'}|{database}|{settings.SITE_URL}"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def built_download(name: str, extension: str, build: Callable[[Path], None]) -> Path:
    """The file `name-<version>.<extension>`, built by `build(path)` if this data version has none."""
    directory = Path(settings.DOWNLOADS_DIR)
    path = directory / f"{name}-{version_stamp()}.{extension}"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time on this host; the rest wait here
        if path.exists():
            return path
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            build(partial)
            os.replace(partial, path)  # readers see the whole file or none
        finally:
            partial.unlink(missing_ok=True)
        for old in sorted(directory.glob(f"{name}-*.{extension}"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            old.unlink(missing_ok=True)
    return path
