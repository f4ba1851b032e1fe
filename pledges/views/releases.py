"""/releases/: the numbered releases, what each changed, its downloads and how to cite it; their feed."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.generic import ListView

from pledges.citing import cite
from pledges.context_processors import SITE_NAME
from pledges.feeds import SafeAtom1Feed
from pledges.models import Release, ReleaseFile
from pledges.release_changes import changes_on, rows_in_order
from pledges.translations import translated

CHANGES_PER_PAGE = 100
FEED_SIZE = 50


class ReleaseListView(ListView):
    """Every release, newest first, fifty to a page."""

    template_name = "pledges/release_list.html"
    paginate_by = 50
    context_object_name = "releases"

    def get_queryset(self):
        return Release.objects.order_by("-number")


def release_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One release: its note, what it changed since the release before (a page of changes at a time),
    its downloads with their SHA-256, links into the data as it was, and its citation."""
    release = get_object_or_404(Release, number=number)
    paginator = Paginator(rows_in_order(number), CHANGES_PER_PAGE)
    given = request.GET.get("page", "1")
    if not given.isdigit() or not 1 <= int(given) <= paginator.num_pages:
        raise Http404("No such page of changes.")
    page = paginator.page(int(given))
    files = ReleaseFile.objects.filter(release_id=number).defer("content").order_by("name")
    previous = Release.objects.filter(number__lt=number).order_by("-number").first()
    following = Release.objects.filter(number__gt=number).order_by("number").first()
    title = gettext("Release %(number)s") % {"number": number}
    context = {
        "release": release,
        "note": translated(release, "note"),
        "changes": changes_on(page, number),
        "page_obj": page,
        "files": files,
        "previous": previous,
        "following": following,
        "citation": cite(title, "/", release, dataset=True),
        "cite_title": title,
        "title": title,
    }
    return render(request, "pledges/release_detail.html", context)


class ReleaseFeed:
    """/releases/feed.atom: the latest releases, each with its note and what it changed."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.urls import reverse

        site = gettext(SITE_NAME)
        feed = SafeAtom1Feed(
            title=gettext("Releases · %(site)s") % {"site": site},
            link=settings.SITE_URL + reverse("pledges:release_list"),
            description=gettext("Numbered releases of the data, each citable and kept as it was."),
            feed_url=settings.SITE_URL + request.path,
            language=request.LANGUAGE_CODE,
            feed_guid=f"{settings.SITE_URL}/releases/",
        )
        releases = list(Release.objects.order_by("-number")[:FEED_SIZE])
        for release in releases:
            link = settings.SITE_URL + reverse("pledges:release_detail", args=[release.number])
            counts = gettext("%(added)s added, %(changed)s changed, %(withdrawn)s withdrawn.") % {
                "added": release.added,
                "changed": release.changed,
                "withdrawn": release.withdrawn,
            }
            feed.add_item(
                title=gettext("Release %(number)s") % {"number": release.number},
                link=link,
                # An Atom summary is HTML: the note is the editors' text, escaped as such.
                description=format_html("<p>{}</p><p>{}</p>", translated(release, "note"), counts),
                unique_id=f"{settings.SITE_URL}/releases/{release.number}/",
                unique_id_is_permalink=True,
                pubdate=release.cut_at,
                updateddate=release.cut_at,
                author_name=release.cut_by or site,
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response


release_feed = ReleaseFeed()
