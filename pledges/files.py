"""Files built once per data version: the full downloads, sent as files rather than held in memory.

The first request after a change builds the file under a lock (other workers asking meanwhile wait
for it, then send the same file); every later request sends it from disk. A file's name carries the
data version and the database, so a change makes the next request build a new one; older files are
removed, keeping the last few for downloads still in progress.

Text files are also kept compressed, brotli and gzip, each made the first time a client asks for
that encoding and sent as it is: a download is compressed once per data version, not per request.
"""

import fcntl
import gzip
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import FileResponse, HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers

from pledges.caching import data_version
from pledges.compression import brotli, preferred_encoding

KEEP = 3
SUFFIXES = {"br": ".br", "gzip": ".gz"}
BROTLI_QUALITY = 6  # made once per data version, so a little slower and smaller than pages' level
GZIP_LEVEL = 6
COPY_CHUNK = 1 << 20


def version_stamp() -> str:
    version = data_version()
    database = f"{connection.vendor}:{connection.settings_dict.get('NAME')}"
    payload = f"{version.isoformat() if version else 'empty'}|{database}|{settings.SITE_URL}"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _built_once(path: Path, lock_name: str, build: Callable[[Path], None]) -> Path:
    """`path`, made by `build(partial path)` unless it exists; one builder at a time on this host."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{lock_name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the rest wait here, then find the file built
        if path.exists():
            return path
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            build(partial)
            os.replace(partial, path)  # readers see the whole file or none
        finally:
            partial.unlink(missing_ok=True)
    return path


def built_download(name: str, extension: str, build: Callable[[Path], None]) -> Path:
    """The file `name-<version>.<extension>`, built by `build(path)` if this data version has none."""
    directory = Path(settings.DOWNLOADS_DIR)
    path = directory / f"{name}-{version_stamp()}.{extension}"
    if path.exists():
        return path
    # One file serves every address that asks for it (/download/… and /uk/download/…): its words
    # (labels of statuses, kinds) are the default language's whichever language asked first.
    with translation.override(settings.LANGUAGE_CODE):
        _built_once(path, name, build)
    for old in sorted(directory.glob(f"{name}-*.{extension}"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        for copy in (old, *(old.with_name(old.name + suffix) for suffix in SUFFIXES.values())):
            copy.unlink(missing_ok=True)
    return path


def compressed_copy(path: Path, encoding: str) -> Path:
    """`path` compressed with `encoding` ("br" or "gzip"), made once, in chunks."""

    def compress(target: Path) -> None:
        with path.open("rb") as source, target.open("wb") as out:
            if encoding == "br":
                compressor = brotli.Compressor(quality=BROTLI_QUALITY)
                while chunk := source.read(COPY_CHUNK):
                    out.write(compressor.process(chunk))
                out.write(compressor.finish())
            else:
                with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as zipped:
                    shutil.copyfileobj(source, zipped, COPY_CHUNK)

    return _built_once(path.with_name(path.name + SUFFIXES[encoding]), f"{path.name}.{encoding}", compress)


def file_response(
    request: HttpRequest, path: Path, content_type: str, filename: str, as_attachment: bool, compress: bool
) -> FileResponse:
    """The file as the answer; with `compress`, its compressed copy in the client's preferred encoding."""
    encoding = preferred_encoding(request) if compress else ""
    if encoding == "br" and brotli is None:  # pragma: no cover - brotli is in pyproject.toml
        encoding = "gzip"
    sent = compressed_copy(path, encoding) if encoding else path
    response = FileResponse(
        sent.open("rb"), content_type=content_type, filename=filename, as_attachment=as_attachment
    )
    if encoding:
        response["Content-Encoding"] = encoding
    if compress:
        patch_vary_headers(response, ["Accept-Encoding"])
    return response
