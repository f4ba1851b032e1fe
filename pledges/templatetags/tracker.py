"""Small template helpers: status badges shown by icon and text as well as colour."""

import functools

from django import template
from django.utils.html import format_html

from pledges.models import STATUS_DESCRIPTIONS, STATUS_ICONS, Status

register = template.Library()


@register.simple_tag
def status_badge(status, count: int = 0):
    return _badge(str(status or ""), count if count > 1 else 0)


@functools.cache
def _badge(status: str, count: int):
    """A status as icon + words + colour class; empty-handed cells say "none recorded" in words."""
    if not status:
        return format_html(
            '<span class="status status-none"><span class="visually-hidden">{}</span></span>', "None recorded"
        )
    status = Status(status)
    number = format_html(' <span class="status-count">×{}</span>', count) if count > 1 else ""
    return format_html(
        '<span class="status status-{}" title="{}"><span class="status-icon" aria-hidden="true">{}</span> '
        '<span class="status-label">{}</span>{}</span>',
        status.value,
        STATUS_DESCRIPTIONS[status],
        STATUS_ICONS[status],
        status.label,
        number,
    )


@register.filter
def status_label(status) -> str:
    return Status(status).label if status else ""


@register.filter
def web_address(url: str) -> str:
    """The address if it is an http(s) one, else empty: a stored `javascript:` URL never becomes a link."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""
