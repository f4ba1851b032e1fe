"""Who is asking: the client's address as login throttling must see it, behind proxies or not."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

# django-axes compares the larger of (failures for this username here, failures from this address) with
# the limit this returns; these stand for "locked" and "not locked" whatever those numbers are.
LOCKED = 0
NOT_LOCKED = 10**9


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


def login_failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """django-axes' AXES_FAILURE_LIMIT: two limits at once.

    A username is locked out from an address after LOGIN_FAILURES_PER_USERNAME failures there, and an
    address altogether after LOGIN_FAILURES_PER_ADDRESS failures from it across any usernames, so
    guessing through many usernames is throttled too. Failures older than the cool-off do not count.
    """
    from axes.models import AccessAttempt

    address = client_ip_address(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    from_address = recent.aggregate(n=Sum("failures_since_start"))["n"] or 0
    for_username = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    if (
        for_username >= settings.LOGIN_FAILURES_PER_USERNAME
        or from_address >= settings.LOGIN_FAILURES_PER_ADDRESS
    ):
        return LOCKED
    return NOT_LOCKED
