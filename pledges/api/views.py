"""/api/v1/: read-only JSON for every published fact, with the same filters as the pages (django-ninja).

Each list is paginated (`page`, `page_size`) and answers in a fixed number of queries whatever its
size; each object links to its related objects in the API and to its page on the site. Every
operation answers from the live data or, with `?release=<n>` or under /releases/<n>/, from a numbered
release (`at_asked_release`), and says which. Bad input gets a 400 naming the parameter, an unknown
object or release a 404, anything but GET/HEAD/OPTIONS a 405, always as JSON. The answers are built
by the shapes in shapes.py, validated by the models schemas.py makes from the same shapes, and
/api/v1/openapi.json is generated from those models, the FilterSets and the operations below.
"""

import json
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, gettext_lazy
from ninja import NinjaAPI, Path, Status
from ninja.renderers import JSONRenderer

from pledges import negotiation
from pledges.api import schemas, shapes
from pledges.api.links import Links
from pledges.api.parameters import EMPTY_IS_NONE, filter_parameters, paging_parameters
from pledges.filters import MeetingFilterSet, MemberFilterSet, PledgeFilterSet, SourceFilterSet
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Pledge,
    PledgeType,
    Release,
    Source,
    parties_prefetch,
)
from pledges.releases import IMMUTABLE, at_release, current_release, release_prefix

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
# What the routes' <slug:…> matches; any other address is a 404.
SLUG = "^[-a-zA-Z0-9_]+$"
# `?release=<n>`, and the header that says where every answer comes from: a release's number or this.
RELEASE = "release"
RELEASE_HEADER = "X-Tracker-Release"
LIVE = "live"

# The lists the index names: path segment, route name prefix.
ENDPOINTS = (
    ("members", "member"),
    ("pledge-types", "pledge_type"),
    ("pledges", "pledge"),
    ("sources", "source"),
    ("citations", "citation"),
    ("meetings", "meeting"),
    ("counts", "count"),
)

# Citations with their sources, without the sources' archived text (it can run to many pages).
CITATIONS_WITH_SOURCES = Prefetch(
    "citations", queryset=Citation.objects.select_related("source", "part").defer("source__text")
)

DESCRIPTION = """Read-only JSON for every published fact the tracker records: members, pledge types,
pledges, sources, citations, meetings and headline counts. No key is needed and CORS is open for GET.

Every list is paginated with `page` and `page_size` and gives `next` and `previous` links that keep
the filters. Unknown values are `null`, never guessed; dates are ISO 8601 with their precision beside
them; quantities and sums of money are decimal strings. Answers carry `ETag` and `Last-Modified`:
send them back in `If-None-Match` or `If-Modified-Since` for a `304` when nothing changed.

Every answer comes in English or Ukrainian: ask with `?lang=uk` (or `lang=en`) or with an
`Accept-Language` header; the parameter wins, and any other language is English. The tracker's own
texts (summaries, conditions, names, descriptions, what a count counts, labels of statuses and
kinds) come in that language, a text not translated yet in English (each object's `untranslated`
names those keys); quotes and sources' titles are never translated (each source's
`document_language` names theirs). The body's `language` and the `Content-Language` header say which
it is, and the answer says `Vary: Accept-Language`. Links to the site's pages lead to that language's
pages.

Every answer comes from the live data, which changes as editors publish, unless it names a numbered
release: `?release=3` (or the same address under `/releases/3/`, as in `/releases/3/api/v1/pledges/`)
answers with the data exactly as release 3 published it, and never changes. The body's
`answered_from` (`live` or `release`) and `release` (its number, when it was cut and its page; `null`
when live) and the `X-Tracker-Release` header (`3` or `live`) say which. Every link in an answer at a
release stays at that release: links into the API are under `/releases/3/api/v1/`, links to pages
under `/releases/3/`. A release that was never cut is a `404`.

A bad parameter gets a `400` naming every bad parameter, an unknown object a `404`, any method but
GET, HEAD or OPTIONS a `405`, always as JSON."""


class Renderer(JSONRenderer):
    """UTF-8 as it is: "Україна", not "\\u0423\\u043a…"."""

    json_dumps_params = {"ensure_ascii": False}


class TrackerApi(NinjaAPI):
    def get_content_type(self) -> str:
        return "application/json"


api = TrackerApi(
    title="Pledge tracker API",
    version="1",
    description=DESCRIPTION,
    renderer=Renderer(),
    openapi_url=None,  # served by openapi_json below, through the site's caching
    docs_url=None,  # the reference page is /api/reference/
    urls_namespace="api",
)


def json_response(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


class PageForm(forms.Form):
    """The paging parameters. A page_size above the maximum is lowered to it, as the docs say."""

    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.IntegerField(required=False, min_value=1)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean_page_size(self) -> int:
        return min(self.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def stable_order(queryset: QuerySet) -> QuerySet:
    """The queryset's ordering (asked for or default) with the primary key last, so pages never overlap."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def page_link(request: HttpRequest, number: int, size: int) -> str:
    """This request's absolute URL with every parameter kept, the page changed and a page size that
    was asked for replaced by the one used (it may have been lowered to the maximum).

    At a release the link is under /releases/<n>/, like every other link of the answer, and so needs
    no `release` parameter: asked with `?release=` or under the prefix, the next page is the same."""
    query = request.GET.copy()
    query.pop(RELEASE, None)
    query["page"] = str(number)
    if "page_size" in query:
        query["page_size"] = str(size)
    release = current_release()
    address = release_prefix(release.number)[:-1] + request.path_info if release else request.path
    return request.build_absolute_uri(address) + "?" + query.urlencode()


def list_answer(request: HttpRequest, shape: shapes.Shape, queryset: QuerySet, filterset_class=None):
    """One page of the queryset, filtered; or a 400 naming every bad parameter at once.

    Queries: the row count, the page, and the queryset's prefetches (plus one per model-choice filter
    given, to check the slugs exist)."""
    paging = PageForm(request.GET)
    errors = parameter_errors(request)
    if not paging.is_valid():
        errors.update(form_errors(paging))
    if filterset_class is not None:
        filterset = filterset_class(request.GET, queryset=queryset)
        if filterset.is_valid():
            queryset = filterset.qs
        else:
            errors.update(form_errors(filterset.form))
    if errors:
        return Status(400, {"errors": errors})
    number, size = paging.cleaned_data["page"], paging.cleaned_data["page_size"]
    paginator = Paginator(stable_order(queryset), size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        last = paginator.num_pages
        return Status(400, {"errors": {"page": [f"Page {number} does not exist: the last page is {last}."]}})
    links = Links(request)
    return {
        "language": answer_language(request),
        **answered_from(request),
        "count": paginator.count,
        "page": number,
        "page_size": size,
        "next": page_link(request, page.next_page_number(), size) if page.has_next() else None,
        "previous": page_link(request, page.previous_page_number(), size) if page.has_previous() else None,
        "results": [shape(obj, links) for obj in page.object_list],
    }


def answer_language(request: HttpRequest) -> str:
    """The language the answer is in (set by `read_only` for every operation)."""
    return getattr(request, "api_language", settings.LANGUAGE_CODE)


def parameter_errors(request: HttpRequest) -> dict[str, list[str]]:
    """A bad `lang` or `release` (read before the view runs, by `in_language` and `at_asked_release`),
    named as the other parameters are."""
    return {**getattr(request, "api_language_errors", {}), **getattr(request, "api_release_errors", {})}


def answered_from(request: HttpRequest) -> dict:
    """Where the answer comes from: the live data, or the release it is computed at (its `release`
    key is the same whether the release was asked with `?release=` or by a /releases/<n>/ address)."""
    release = current_release()
    if release is None:
        return {"answered_from": LIVE, "release": None}
    # The release's own page, in the answer's language: /releases/3/, /uk/releases/3/ (as
    # i18n_patterns prefixes every language but the default). Not reversed: inside the release the
    # script prefix is /releases/3/ already.
    language = answer_language(request)
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return {
        "answered_from": RELEASE,
        "release": {
            "number": release.number,
            "cut_at": release.cut_at.isoformat(),
            "url": request.build_absolute_uri(prefix + release_prefix(release.number)),
        },
    }


def not_found(noun: str, label: str, value) -> Status:
    return Status(404, {"error": f"There is no published {noun} with {label} “{value}”."})


# --- Querysets: what each endpoint's JSON reads, loaded in a fixed number of queries ---------------


def pledges() -> QuerySet:
    """Published pledges with their type (one join), parties with members (one query) and citations with
    sources and parts (one query)."""
    return (
        Pledge.objects.published()
        .select_related("pledge_type")
        .prefetch_related(parties_prefetch(), CITATIONS_WITH_SOURCES)
    )


def members() -> QuerySet:
    """Members with a published pledge or role, their published pledge count, and their published
    roles with citations and sources: the same selection as the /members/ page."""
    return Member.objects.with_public_facts()


def pledge_types() -> QuerySet:
    return PledgeType.objects.annotate(
        pledge_count=Count("pledges", filter=Q(pledges__is_published=True), distinct=True)
    )


def sources() -> QuerySet:
    """Each source a published fact cites, with the number of published citations from it (one query).
    A source cited only by drafts is not public: neither its title nor its text."""
    return Source.objects.cited_publicly().with_citation_counts()


def citations() -> QuerySet:
    """Published citations with their source and the fact each supports (one query)."""
    return (
        Citation.objects.published()
        .select_related("source", "part", "pledge", "membership__member", "meeting", "headline_count")
        .defer("source__text")
    )


def meetings() -> QuerySet:
    """Published meetings; hosts, published counts and citations with sources (one query each)."""
    return Meeting.objects.public().prefetch_related(
        "hosts",
        Prefetch("counts", queryset=HeadlineCount.objects.public(), to_attr="published_counts"),
        CITATIONS_WITH_SOURCES,
    )


def counts() -> QuerySet:
    """Published headline counts with their meeting (one join) and citations with sources (one query)."""
    return HeadlineCount.objects.public().select_related("meeting").prefetch_related(CITATIONS_WITH_SOURCES)


def source_with_citations(source: Source) -> Source:
    """The source's published citations with their facts (one query), for the detail."""
    source.public_citations = list(citations().filter(source=source))
    return source


# --- Operations ------------------------------------------------------------------------------------

NOT_ALLOWED = {
    "description": "Any method but GET, HEAD or OPTIONS: the API is read-only.",
    "headers": {"Allow": {"description": "GET, HEAD, OPTIONS", "schema": {"type": "string"}}},
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string", "description": "Why, and what to use."}},
                "required": ["error"],
                "additionalProperties": False,
            }
        }
    },
}
NOT_MODIFIED = {
    "description": "Nothing changed since the ETag or date sent in If-None-Match / If-Modified-Since."
}
ANSWER_HEADERS = {
    RELEASE_HEADER: {
        "description": "Where the answer comes from: the number of the release it is computed at, or "
        "`live` for the live data (as the body's `answered_from` and `release` say).",
        "schema": {"type": "string", "pattern": f"^([1-9][0-9]*|{LIVE})$"},
    },
    "ETag": {
        "description": "The answer's version; send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {"description": "When the data last changed.", "schema": {"type": "string"}},
    "Content-Language": {
        "description": "The language of the answer's own texts, as its `language` says.",
        "schema": {"type": "string", "enum": list(negotiation.languages())},
    },
    "Vary": {
        "description": "Accept-Language (and Accept-Encoding): the answer depends on them.",
        "schema": {"type": "string"},
    },
}
LANGUAGE_PARAMETER = {
    "name": negotiation.PARAMETER,
    "in": "query",
    "required": False,
    "description": "The language of the tracker's own texts in the answer: en or uk. Without it, the "
    "first language of the Accept-Language header the API speaks, else English. Any other value is a "
    "400.",
    **EMPTY_IS_NONE,
    "schema": {"type": "string", "enum": list(negotiation.languages())},
}
RELEASE_PARAMETER = {
    "name": RELEASE,
    "in": "query",
    "required": False,
    "description": "The number of a release to answer at: the data exactly as that release published "
    "it, with every link kept at the release (under /releases/<n>/). Without it, the live data. Anything "
    "but a whole number from 1 is a 400; a release never cut is a 404.",
    **EMPTY_IS_NONE,
    "schema": {"type": "integer", "minimum": 1},
}
LIST_TAGS = {"member": "Members", "pledge_type": "Pledge types", "pledge": "Pledges", "source": "Sources",
             "citation": "Citations", "meeting": "Meetings", "count": "Headline counts"}  # fmt: skip


def openapi_extra(parameters: list[dict] = ()) -> dict:
    return {
        "parameters": [*parameters, RELEASE_PARAMETER, LANGUAGE_PARAMETER],
        # ninja keys responses by number: the same keys, so these merge into its own.
        "responses": {200: {"headers": ANSWER_HEADERS}, 304: NOT_MODIFIED, 405: NOT_ALLOWED},
    }


def add_list(route: str, shape: shapes.Shape, queryset: Callable[[], QuerySet], filterset_class=None) -> None:
    segment = next(segment for segment, name in ENDPOINTS if name == route)
    parameters = [*(filter_parameters(filterset_class) if filterset_class else []),
                  *paging_parameters(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)]  # fmt: skip

    def view(request: HttpRequest):
        return list_answer(request, shape, queryset(), filterset_class)

    view.__name__ = f"{route}_list"
    api.get(
        f"/{segment}/",
        response={200: schemas.page(shape), 400: schemas.BAD_REQUEST, 404: schemas.NotFound},
        url_name=f"{route}_list",
        operation_id=f"{route}_list",
        summary=f"List {LIST_TAGS[route].lower()}",
        description=shape.description,
        tags=[LIST_TAGS[route]],
        by_alias=True,
        openapi_extra=openapi_extra(parameters),
    )(view)


def add_detail(route: str, shape: shapes.Shape, queryset: Callable[[], QuerySet], noun: str, lookup: str,
               prepare: Callable = lambda obj: obj) -> None:  # fmt: skip
    segment = next(segment for segment, name in ENDPOINTS if name == route)
    label = "id" if lookup == "pk" else "slug"

    def find(request: HttpRequest, value):
        if errors := parameter_errors(request):
            return Status(400, {"errors": errors})
        obj = queryset().filter(**{lookup: value}).first()
        if obj is None:
            return not_found(noun, label, value)
        return {
            "language": answer_language(request),
            **answered_from(request),
            **shape(prepare(obj), Links(request)),
        }

    if lookup == "pk":

        def view(request: HttpRequest, pk: int = Path(..., description=f"The {noun}'s id.")):
            return find(request, pk)

        address = f"/{segment}/{{int:pk}}/"
    else:

        def view(
            request: HttpRequest, slug: str = Path(..., description=f"The {noun}'s slug.", pattern=SLUG)
        ):
            return find(request, slug)

        address = f"/{segment}/{{slug:slug}}/"
    view.__name__ = f"{route}_detail"
    api.get(
        address,
        response={200: schemas.answer(shape), 400: schemas.BAD_REQUEST, 404: schemas.NotFound},
        url_name=f"{route}_detail",
        operation_id=f"{route}_detail",
        summary=f"One {noun}",
        tags=[LIST_TAGS[route]],
        by_alias=True,
        openapi_extra=openapi_extra(),
    )(view)


@api.get(
    "/",
    response={
        200: schemas.index(tuple(segment for segment, _name in ENDPOINTS)),
        400: schemas.BAD_REQUEST,
        404: schemas.NotFound,
    },
    url_name="index",
    operation_id="index",
    summary="Where to start",
    tags=["Index"],
    by_alias=True,
    openapi_extra=openapi_extra(),
)
def index(request: HttpRequest):
    """The endpoints, so a client can start from /api/v1/ and follow links."""
    if errors := parameter_errors(request):
        return Status(400, {"errors": errors})
    links = Links(request)
    return {
        "language": answer_language(request),
        **answered_from(request),
        "name": "Pledge tracker API",
        "version": 1,
        "docs_url": links.page("api_docs"),
        "schema_url": links.api("openapi"),
        "endpoints": {segment: links.api(f"{route}_list") for segment, route in ENDPOINTS},
    }


add_list("member", shapes.MEMBER_SHAPE, members, MemberFilterSet)
add_detail("member", shapes.MEMBER_SHAPE, members, "member", "slug")
add_list("pledge_type", shapes.PLEDGE_TYPE_SHAPE, pledge_types)
add_detail("pledge_type", shapes.PLEDGE_TYPE_SHAPE, pledge_types, "pledge type", "slug")
add_list("pledge", shapes.PLEDGE_SHAPE, pledges, PledgeFilterSet)
add_detail("pledge", shapes.PLEDGE_SHAPE, pledges, "pledge", "pk")
add_list("source", shapes.SOURCE_SHAPE, sources, SourceFilterSet)
# The detail adds the archived text and every published citation from it (two queries in all).
add_detail("source", shapes.SOURCE_DETAIL_SHAPE, lambda: sources().defer(None), "source", "slug",
           prepare=source_with_citations)  # fmt: skip
add_list("citation", shapes.CITATION_SHAPE, citations)
add_detail("citation", shapes.CITATION_SHAPE, citations, "citation", "pk")
add_list("meeting", shapes.MEETING_SHAPE, meetings, MeetingFilterSet)
add_detail("meeting", shapes.MEETING_SHAPE, meetings, "meeting", "slug")
add_list("count", shapes.COUNT_SHAPE, counts)
add_detail("count", shapes.COUNT_SHAPE, counts, "headline count", "slug")


# --- The schema and the methods ---------------------------------------------------------------------

_schema: dict | None = None


def openapi_schema() -> dict:
    """The OpenAPI 3.1 schema of every operation above, made once per process (it is code, not data)."""
    global _schema
    if _schema is None:
        # The API's own address, whatever language prefix the request that asked first came under.
        with translation.override(settings.LANGUAGE_CODE):
            prefix = reverse("pledges:api:index")
        _schema = api.get_openapi_schema(path_prefix=prefix.strip("/") + "/")
        _schema.pop("servers", None)
    return _schema


def openapi_json(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_schema())


def in_language(view: Callable) -> Callable:
    """The view answering in the language asked for (pledges.negotiation), saying which it is."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.api_language, request.api_language_errors = negotiation.requested_language(request)
        with translation.override(request.api_language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = request.api_language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapped


NOT_A_RELEASE = gettext_lazy("A release is named by its number, a whole number from 1 (see /releases/).")


class ReleaseForm(forms.Form):
    """`?release=`: a release's number; empty is the same as not given."""

    release = forms.IntegerField(
        required=False, min_value=1, error_messages={"invalid": NOT_A_RELEASE, "min_value": NOT_A_RELEASE}
    )


def requested_release(request: HttpRequest) -> tuple[int | None, dict[str, list[str]]]:
    """The release number asked for with `?release=` (None: none asked, or a bad one) and the errors of
    a bad one, as the view reports them with its other parameters. Under /releases/<n>/ the address
    names the release already: `release` may repeat it, not name another."""
    form = ReleaseForm(request.GET)
    if not form.is_valid():
        return None, form_errors(form)
    number = form.cleaned_data[RELEASE]
    here = current_release()
    if here is not None and number not in (None, here.number):
        message = gettext(
            "This address is at release %(here)s: leave out release, or ask /releases/%(asked)s/… for "
            "release %(asked)s."
        ) % {"here": here.number, "asked": number}
        return None, {RELEASE: [message]}
    return number, {}


def release_not_found(number: int) -> HttpResponse:
    latest = Release.objects.order_by("-number").values_list("number", flat=True).first()
    if latest is None:
        message = gettext("There is no release %(number)s: no release has been cut yet.")
    else:
        message = gettext("There is no release %(number)s: the latest is release %(latest)s.")
    return json_response({"error": message % {"number": number, "latest": latest}}, status=404)


def at_asked_release(view: Callable) -> Callable:
    """The view computed at the release `?release=` names (pledges.releases.at_release: its data, and
    links under /releases/<n>/), else where the address is: the live data, or the release of a
    /releases/<n>/ address (pledges.releases.ReleaseMiddleware). The answer says which in its
    X-Tracker-Release header, and an answer at a release, which never changes, may be kept for good.
    A bad number is reported by the view with its other bad parameters; a release never cut is a 404.
    Live answers cost no query more."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        number, request.api_release_errors = requested_release(request)
        release = current_release()
        if number is None or release is not None:  # live, or at the release the address names
            response = view(request, *args, **kwargs)
        else:
            release = Release.objects.filter(number=number).first()
            if release is None:
                return release_not_found(number)
            with at_release(release):
                response = view(request, *args, **kwargs)
        response[RELEASE_HEADER] = str(release.number) if release else LIVE
        if release is not None and response.status_code == 200:
            response["Cache-Control"] = IMMUTABLE
        return response

    return wrapped


def read_only(view: Callable) -> Callable:
    """GET and HEAD reach the view; OPTIONS says what is allowed; anything else is a JSON 405."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "GET":
            return view(request, *args, **kwargs)
        if request.method == "HEAD":
            # Answered as a GET; the server sends the headers only.
            request.method = "GET"
            try:
                return view(request, *args, **kwargs)
            finally:
                request.method = "HEAD"
        if request.method == "OPTIONS":
            response = json_response({})
        else:
            response = json_response(
                {"error": f"The API is read-only: {request.method} is not allowed, use GET."}, status=405
            )
        response["Allow"] = ", ".join(ALLOWED_METHODS)
        return response

    wrapped.csrf_exempt = True  # read-only: other methods get the JSON 405, not a CSRF 403
    return wrapped


def urlpatterns() -> list[URLPattern]:
    """The operations' routes (named as the operations) and the schema's, each read-only."""
    patterns, _app, _namespace = api.urls
    routes = [
        URLPattern(p.pattern, read_only(in_language(at_asked_release(p.callback))), p.default_args, p.name)
        for p in patterns
        if p.name != "api-root"  # ninja's own root; the index operation answers there
    ]
    return [*routes, path("openapi.json", read_only(openapi_json), name="openapi")]
