"""Compressed answers for the public site: brotli when the client accepts it, else gzip.

Pages, the API, feeds and exports are text that compresses five to ten times. The page cache keeps
each encoding of a page as its own entry (the encoding is part of its key and of its ETag), so a page
is compressed once per data version, not once per request.

Why this is safe from BREACH: the attack needs a secret (a CSRF token, a session value) reflected in
a compressed body beside text an attacker controls. Public answers carry no secret: they set no
cookie, hold no CSRF token (their only forms are GET filter forms) and are the same for every reader.
The admin, which does carry CSRF tokens, is never compressed.
"""

import gzip
import re
import zlib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

try:  # an optional dependency: without it, gzip only
    import brotli
except ImportError:  # pragma: no cover - brotli is in pyproject.toml
    brotli = None

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/javascript",
    "image/svg+xml",
)
MIN_LENGTH = 512
BROTLI_QUALITY = 5  # about gzip's speed at level 6, 15-20 % smaller
GZIP_LEVEL = 6
_token = re.compile(r"\s*([a-z*]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?", re.IGNORECASE)


def accepted(header: str) -> dict[str, float]:
    """Accept-Encoding as {coding: quality}."""
    result = {}
    for part in header.lower().split(","):
        match = _token.match(part)
        if match and match.group(1):
            try:
                result[match.group(1)] = float(match.group(2)) if match.group(2) else 1.0
            except ValueError:
                result[match.group(1)] = 0.0
    return result


def preferred_encoding(request: HttpRequest) -> str:
    """ "br", "gzip" or "" for the public site; always "" for the admin (see the BREACH note above)."""
    if request.path.startswith("/" + settings.ADMIN_PATH):
        return ""
    codings = accepted(request.headers.get("Accept-Encoding", ""))
    if brotli is not None and codings.get("br", 0) > 0:
        return "br"
    if codings.get("gzip", 0) > 0:
        return "gzip"
    return ""


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _stream(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    if encoding == "br":
        compressor = brotli.Compressor(quality=BROTLI_QUALITY)
        for chunk in chunks:
            out = compressor.process(chunk)
            if out:
                yield out
        yield compressor.finish()
        return
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


def compress_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response compressed in the request's preferred encoding, where that helps."""
    encoding = preferred_encoding(request)
    if (
        not encoding
        or response.status_code != 200
        or response.has_header("Content-Encoding")
        or not response.get("Content-Type", "").startswith(COMPRESSIBLE)
    ):
        return response
    patch_vary_headers(response, ("Accept-Encoding",))
    if response.streaming:
        response.streaming_content = _stream(response.streaming_content, encoding)
        del response["Content-Length"]
    else:
        if len(response.content) < MIN_LENGTH:
            return response
        compressed = _compress(response.content, encoding)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
    response["Content-Encoding"] = encoding
    return response


class CompressionMiddleware:
    """Inside the page cache (so it keeps compressed pages), outside the views."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return compress_response(request, self.get_response(request))
