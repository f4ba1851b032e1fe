"""Who is asking: the client's address as login throttling must see it, behind proxies or not."""

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a login attempt came from (django-axes' AXES_CLIENT_IP_CALLABLE).

    With PROXY_COUNT reverse proxies in front, every request arrives from the nearest proxy, so the
    client is read from X-Forwarded-For: the entry PROXY_COUNT places from the right, the one our
    outermost proxy saw. Entries further left were written by the client and could be anything, so
    they are never trusted: a rotating fake address cannot dodge a lock-out, and an attacker cannot
    lock an editor out by claiming to be at the editor's address. Without proxies the header is
    ignored altogether.
    """
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
