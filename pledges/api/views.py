"""/api/v1/: read-only JSON for every published fact, with the same filters as the pages.

Each list is paginated (`page`, `page_size`) and answers in a fixed number of queries whatever its
size; each object links to its related objects in the API and to its page on the site. Bad input
gets a 400 naming the parameter, an unknown object a 404, anything but GET/HEAD/OPTIONS a 405,
always as JSON.
"""

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from pledges.api import serializers
from pledges.api.serializers import Links
from pledges.filters import MeetingFilterSet, MemberFilterSet, PledgeFilterSet, SourceFilterSet
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Pledge,
    PledgeType,
    Source,
    parties_prefetch,
)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

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


def json_response(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(errors: dict[str, list[str]]) -> JsonResponse:
    """400 naming each bad parameter and what is wrong with it."""
    return json_response({"errors": errors}, status=400)


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


class PageForm(forms.Form):
    """The paging parameters. A page_size above the maximum is lowered to it, as the docs say."""

    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.IntegerField(required=False, min_value=1)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean_page_size(self) -> int:
        return min(self.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


@method_decorator(csrf_exempt, name="dispatch")  # read-only: other methods get a JSON 405, not a CSRF 403
class ApiView(View):
    http_method_names = ["get", "head", "options"]

    def http_method_not_allowed(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        response = json_response(
            {"error": f"The API is read-only: {request.method} is not allowed, use GET."}, status=405
        )
        response["Allow"] = ", ".join(method.upper() for method in self.http_method_names)
        return response

    def options(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        response = json_response({})
        response["Allow"] = ", ".join(method.upper() for method in self.http_method_names)
        return response


class IndexView(ApiView):
    """The endpoints, so a client can start from /api/v1/ and follow links."""

    def get(self, request: HttpRequest) -> JsonResponse:
        links = Links(request)
        return json_response(
            {
                "name": "Pledge tracker API",
                "version": 1,
                "docs_url": links.page("api_docs"),
                "endpoints": {name: links.api(f"{route}_list") for name, route in ENDPOINTS},
            }
        )


class ListEndpoint(ApiView):
    """A paginated list: `get_queryset()` loads what `serialize` reads; `filterset_class` filters it.

    Queries: the row count, the page, and the queryset's prefetches (plus one per model-choice filter
    given, to check the slugs exist).
    """

    filterset_class = None

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def serialize(self, obj, links: Links) -> dict:
        raise NotImplementedError

    def get(self, request: HttpRequest) -> JsonResponse:
        paging = PageForm(request.GET)
        errors = {} if paging.is_valid() else form_errors(paging)
        queryset = self.get_queryset()
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET, queryset=queryset)
            if filterset.is_valid():
                queryset = filterset.qs
            else:
                errors.update(form_errors(filterset.form))
        if errors:
            return error_response(errors)
        number, size = paging.cleaned_data["page"], paging.cleaned_data["page_size"]
        paginator = Paginator(stable_order(queryset), size)
        try:
            page = paginator.page(number)
        except EmptyPage:
            last = paginator.num_pages
            return error_response({"page": [f"Page {number} does not exist: the last page is {last}."]})
        links = Links(request)
        return json_response(
            {
                "count": paginator.count,
                "page": number,
                "page_size": size,
                "next": page_link(request, page.next_page_number(), size) if page.has_next() else None,
                "previous": (
                    page_link(request, page.previous_page_number(), size) if page.has_previous() else None
                ),
                "results": [self.serialize(obj, links) for obj in page.object_list],
            }
        )


def stable_order(queryset: QuerySet) -> QuerySet:
    """The queryset's ordering (asked for or default) with the primary key last, so pages never overlap."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def page_link(request: HttpRequest, number: int, size: int) -> str:
    """This request's absolute URL with every parameter kept, the page changed and a page size that
    was asked for replaced by the one used (it may have been lowered to the maximum)."""
    query = request.GET.copy()
    query["page"] = str(number)
    if "page_size" in query:
        query["page_size"] = str(size)
    return request.build_absolute_uri(request.path) + "?" + query.urlencode()


class DetailEndpoint(ApiView):
    """One object looked up by the URL's argument among what the public may see, or a JSON 404."""

    noun = ""
    lookup = "slug"

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def serialize(self, obj, links: Links) -> dict:
        raise NotImplementedError

    def get(self, request: HttpRequest, **kwargs) -> JsonResponse:
        value = kwargs[self.lookup]
        obj = self.get_queryset().filter(**{self.lookup: value}).first()
        if obj is None:
            label = "id" if self.lookup == "pk" else self.lookup
            return json_response({"error": f"There is no published {self.noun} with {label} “{value}”."}, 404)
        return json_response(self.serialize(obj, Links(request)))


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


# --- Endpoints -------------------------------------------------------------------------------------


class PledgeList(ListEndpoint):
    filterset_class = PledgeFilterSet
    get_queryset = staticmethod(pledges)
    serialize = staticmethod(serializers.pledge_json)


class PledgeDetail(DetailEndpoint):
    noun, lookup = "pledge", "pk"
    get_queryset = staticmethod(pledges)
    serialize = staticmethod(serializers.pledge_json)


class MemberList(ListEndpoint):
    filterset_class = MemberFilterSet
    get_queryset = staticmethod(members)
    serialize = staticmethod(serializers.member_json)


class MemberDetail(DetailEndpoint):
    noun = "member"
    get_queryset = staticmethod(members)
    serialize = staticmethod(serializers.member_json)


class PledgeTypeList(ListEndpoint):
    get_queryset = staticmethod(pledge_types)
    serialize = staticmethod(serializers.pledge_type_json)


class PledgeTypeDetail(DetailEndpoint):
    noun = "pledge type"
    get_queryset = staticmethod(pledge_types)
    serialize = staticmethod(serializers.pledge_type_json)


class SourceList(ListEndpoint):
    filterset_class = SourceFilterSet
    get_queryset = staticmethod(sources)
    serialize = staticmethod(serializers.source_json)


class SourceDetail(DetailEndpoint):
    """The source with its archived text and every published citation from it (two queries)."""

    noun = "source"

    def get_queryset(self) -> QuerySet:
        return sources().defer(None)

    def serialize(self, source: Source, links: Links) -> dict:
        quoted = list(citations().filter(source=source))
        return serializers.source_detail_json(source, quoted, links)


class CitationList(ListEndpoint):
    get_queryset = staticmethod(citations)
    serialize = staticmethod(serializers.citation_json)


class CitationDetail(DetailEndpoint):
    noun, lookup = "citation", "pk"
    get_queryset = staticmethod(citations)
    serialize = staticmethod(serializers.citation_json)


class MeetingList(ListEndpoint):
    filterset_class = MeetingFilterSet
    get_queryset = staticmethod(meetings)
    serialize = staticmethod(serializers.meeting_json)


class MeetingDetail(DetailEndpoint):
    noun = "meeting"
    get_queryset = staticmethod(meetings)
    serialize = staticmethod(serializers.meeting_json)


class CountList(ListEndpoint):
    get_queryset = staticmethod(counts)
    serialize = staticmethod(serializers.count_json)


class CountDetail(DetailEndpoint):
    noun = "headline count"
    get_queryset = staticmethod(counts)
    serialize = staticmethod(serializers.count_json)
