"""Links in and out of releases, and "Cite this page" (pledges.citing)."""

from django import template
from django.urls import get_script_prefix

from pledges.citing import cite

register = template.Library()


@register.filter
def live_path(path: str) -> str:
    """The live address of a path made inside a release page ("/releases/3/members/x/" → "/members/x/")."""
    prefix = get_script_prefix()
    return path[len(prefix) - 1 :] if prefix != "/" and path.startswith(prefix) else path


@register.filter
def at_release(path: str, number) -> str:
    """The same page as it is in release `number`."""
    return f"/releases/{number}{live_path(path)}"


@register.simple_tag(takes_context=True)
def page_citation(context, title: str = "", member=None, pledge=None):
    """The current page's citation: at its release, or (live) at the newest release, if any. The page
    is named by `title`, else the member's name or the pledge."""
    from django.utils.translation import gettext

    from pledges.context_processors import SITE_NAME

    title = str(title or (member.name if member else "") or (pledge or "") or gettext(SITE_NAME))
    request = context["request"]
    site = context.get("site")
    release = site.release if site else None
    path = request.path_info if release else request.path
    query = request.GET.urlencode()
    path += f"?{query}" if query else ""
    if release is None:
        latest = site.latest_release if site else None
        if latest is not None and not site.in_latest_release(pledge or context.get("source") or member):
            # Published after the newest release: no permanent link yet (it would be a 404).
            return {"live": cite(title, path, None), "release": None, "newer_than": latest}
        return {"live": cite(title, path, None), "release": cite(title, path, latest) if latest else None}
    return {"live": None, "release": cite(title, path, release)}


@register.filter
def release_page(number) -> str:
    """The address of release `number`'s own page in the current language, from any page."""
    from django.conf import settings
    from django.utils.translation import get_language

    language = get_language()
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{prefix}/releases/{number}/"


@register.simple_tag(takes_context=True)
def live_address(context) -> str:
    """The live page this release page shows, with its query: "this page today"."""
    request = context["request"]
    query = request.GET.urlencode()
    return request.path_info + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def embed_pin(context, member):
    """The release a report should pin this member's embed to: the release shown, else the newest
    release that has this member; None when there is none (the embed then follows the live data)."""
    site = context.get("site")
    if site is None:
        return None
    if site.release is not None:
        return site.release.number
    return site.latest_release.number if site.in_latest_release(member) else None


@register.simple_tag
def embed_path(slug: str, pin=None) -> str:
    """The member's embed in the active language: pinned to release `pin`, else always the latest."""
    from django.urls import reverse

    path = reverse("pledges:member_embed", args=[slug])
    return at_release(path, pin) if pin else live_path(path)
