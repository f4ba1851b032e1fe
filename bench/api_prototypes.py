"""Settings for bench/api_frameworks.py: the benchmark's settings plus two other builds of the pledge API.

`/bench/handwritten/pledges/` and `/bench/drf/pledges/` (and `<id>/`) answer the same JSON as
`/api/v1/pledges/` (django-ninja) with the same FilterSet, queryset and page size: the Django views
written by hand that served the API before (dicts and JsonResponse), and a prototype on Django REST
framework (serializers, generic list view, DjangoFilterBackend, page-number pagination, JSONRenderer).
Only the benchmark loads this module; it is the Django settings module and the URLconf at once
(`urlpatterns` is built on first use, once apps are loaded).
"""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_prototypes"
INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}

_urlpatterns = None


def __getattr__(name: str):
    global _urlpatterns
    if name == "urlpatterns":
        if _urlpatterns is None:
            _urlpatterns = _build_urlpatterns()
        return _urlpatterns
    if name in ("handler400", "handler404", "handler500"):
        from bench import baseline_urls

        return getattr(baseline_urls, name)
    raise AttributeError(name)


def _drf_views():
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework import generics, pagination, serializers
    from rest_framework.response import Response

    from pledges.api import views as api_views
    from pledges.api.links import Links

    def iso(value):
        return value.isoformat() if value is not None else None

    def decimal(value):
        return None if value is None else format(value.normalize(), "f")

    def unknown_if_empty(value):
        return value or None

    from pledges.filters import PledgeFilterSet

    class Getter(serializers.Field):
        """A read-only field computed from the whole object, as a field generated from a declaration
        (name, getter) would be."""

        def __init__(self, getter, **kwargs):
            self.getter = getter
            super().__init__(source="*", read_only=True, **kwargs)

        def to_representation(self, obj):
            return self.getter(obj)

    class LinkedSerializer(serializers.Serializer):
        def links(self) -> Links:
            return self.context["links"]

    class MemberRef(LinkedSerializer):
        slug = serializers.CharField()
        name = serializers.CharField()
        url = serializers.SerializerMethodField()
        web_url = serializers.SerializerMethodField()

        def get_url(self, obj):
            return self.links().api("member_detail", obj.slug)

        def get_web_url(self, obj):
            return self.links().web(obj)

    class TypeRef(MemberRef):
        def get_url(self, obj):
            return self.links().api("pledge_type_detail", obj.slug)

    class SourceRef(LinkedSerializer):
        slug = serializers.CharField()
        title = serializers.CharField()
        url = serializers.SerializerMethodField()
        web_url = serializers.SerializerMethodField()

        def get_url(self, obj):
            return self.links().api("source_detail", obj.slug)

        def get_web_url(self, obj):
            return self.links().web(obj)

    class Part(serializers.Serializer):
        position = serializers.IntegerField()
        title = serializers.CharField()
        dated_on = Getter(lambda p: iso(p.dated_on))
        dated_precision = serializers.CharField()

    class Cited(LinkedSerializer):
        id = serializers.IntegerField(source="pk")
        url = serializers.SerializerMethodField()
        quote = serializers.CharField()
        locator = Getter(lambda c: unknown_if_empty(c.locator))
        source = SourceRef()
        part = Part(allow_null=True)

        def get_url(self, obj):
            return self.links().api("citation_detail", obj.pk)

    class PledgeSerializer(LinkedSerializer):
        id = serializers.IntegerField(source="pk")
        ref = serializers.CharField()
        url = serializers.SerializerMethodField()
        web_url = serializers.SerializerMethodField()
        members = MemberRef(many=True, source="party_members")
        pledge_type = TypeRef()
        status = serializers.CharField()
        status_label = serializers.CharField(source="get_status_display")
        is_stance = serializers.BooleanField()
        summary = serializers.CharField()
        conditions = serializers.CharField()
        announced_on = Getter(lambda p: iso(p.announced_on))
        announced_precision = serializers.CharField()
        reported_on = Getter(lambda p: iso(p.reported_on))
        reported_precision = serializers.CharField()
        quantity = Getter(lambda p: decimal(p.quantity))
        quantity_qualifier = Getter(lambda p: p.quantity_qualifier if p.quantity is not None else None)
        quantity_unit = Getter(lambda p: unknown_if_empty(p.quantity_unit))
        amount = Getter(lambda p: decimal(p.amount))
        amount_qualifier = Getter(lambda p: p.amount_qualifier if p.amount is not None else None)
        currency = Getter(lambda p: unknown_if_empty(p.currency))
        note = serializers.CharField()
        updated_at = Getter(lambda p: iso(p.updated_at))
        citations = Cited(many=True, source="citations.all")

        def get_url(self, obj):
            return self.links().api("pledge_detail", obj.pk)

        def get_web_url(self, obj):
            return self.links().web(obj)

    class Pages(pagination.PageNumberPagination):
        page_size = api_views.DEFAULT_PAGE_SIZE
        page_size_query_param = "page_size"
        max_page_size = api_views.MAX_PAGE_SIZE

        def get_paginated_response(self, data):
            return Response(
                {
                    "count": self.page.paginator.count,
                    "page": self.page.number,
                    "page_size": self.page.paginator.per_page,
                    "next": self.get_next_link(),
                    "previous": self.get_previous_link(),
                    "results": data,
                }
            )

    class Linked:
        def get_serializer_context(self):
            return {**super().get_serializer_context(), "links": Links(self.request)}

    class PledgeList(Linked, generics.ListAPIView):
        serializer_class = PledgeSerializer
        pagination_class = Pages
        filter_backends = [DjangoFilterBackend]
        filterset_class = PledgeFilterSet

        def get_queryset(self):
            return api_views.stable_order(api_views.pledges())

    class PledgeDetail(Linked, generics.RetrieveAPIView):
        serializer_class = PledgeSerializer

        def get_queryset(self):
            return api_views.pledges()

    return PledgeList.as_view(), PledgeDetail.as_view()


def _handwritten_views():
    """The pledge list and detail as they were written by hand before the API moved to django-ninja:
    Django views building dicts and answering JsonResponse, with the same FilterSet and queryset."""
    from django.core.paginator import Paginator
    from django.http import HttpRequest, JsonResponse

    from pledges.api import views as api_views
    from pledges.api.links import Links
    from pledges.filters import PledgeFilterSet

    def iso(value):
        return value.isoformat() if value is not None else None

    def decimal(value):
        return None if value is None else format(value.normalize(), "f")

    def ref(obj, links, route, title="name"):
        return {
            "slug": obj.slug,
            title: getattr(obj, title),
            "url": links.api(route, obj.slug),
            "web_url": links.web(obj),
        }

    def cited(c, links):
        part = c.part
        return {
            "id": c.pk,
            "url": links.api("citation_detail", c.pk),
            "quote": c.quote,
            "locator": c.locator or None,
            "source": ref(c.source, links, "source_detail", "title"),
            "part": {
                "position": part.position,
                "title": part.title,
                "dated_on": iso(part.dated_on),
                "dated_precision": part.dated_precision,
            }
            if c.part_id
            else None,
        }

    def pledge_json(p, links):
        return {
            "id": p.pk,
            "ref": p.ref,
            "url": links.api("pledge_detail", p.pk),
            "web_url": links.web(p),
            "members": [ref(m, links, "member_detail") for m in p.party_members],
            "pledge_type": ref(p.pledge_type, links, "pledge_type_detail"),
            "status": p.status,
            "status_label": p.get_status_display(),
            "is_stance": p.is_stance,
            "summary": p.summary,
            "conditions": p.conditions,
            "announced_on": iso(p.announced_on),
            "announced_precision": p.announced_precision,
            "reported_on": iso(p.reported_on),
            "reported_precision": p.reported_precision,
            "quantity": decimal(p.quantity),
            "quantity_qualifier": p.quantity_qualifier if p.quantity is not None else None,
            "quantity_unit": p.quantity_unit or None,
            "amount": decimal(p.amount),
            "amount_qualifier": p.amount_qualifier if p.amount is not None else None,
            "currency": p.currency or None,
            "note": p.note,
            "updated_at": iso(p.updated_at),
            "citations": [cited(c, links) for c in p.citations.all()],
        }

    def answer(data, status=200):
        return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})

    def pledge_list(request: HttpRequest):
        paging = api_views.PageForm(request.GET)
        filterset = PledgeFilterSet(request.GET, queryset=api_views.pledges())
        if not (paging.is_valid() & filterset.is_valid()):
            errors = {**api_views.form_errors(paging), **api_views.form_errors(filterset.form)}
            return answer({"errors": errors}, 400)
        number, size = paging.cleaned_data["page"], paging.cleaned_data["page_size"]
        page = Paginator(api_views.stable_order(filterset.qs), size).page(number)
        links = Links(request)
        return answer(
            {
                "count": page.paginator.count,
                "page": number,
                "page_size": size,
                "next": api_views.page_link(request, number + 1, size) if page.has_next() else None,
                "previous": api_views.page_link(request, number - 1, size) if page.has_previous() else None,
                "results": [pledge_json(p, links) for p in page.object_list],
            }
        )

    def pledge_detail(request: HttpRequest, pk: int):
        return answer(pledge_json(api_views.pledges().get(pk=pk), Links(request)))

    return pledge_list, pledge_detail


def _build_urlpatterns():
    from django.urls import path

    from bench import baseline_urls

    drf_list, drf_detail = _drf_views()
    hand_list, hand_detail = _handwritten_views()
    return [
        path("bench/drf/pledges/", drf_list),
        path("bench/drf/pledges/<int:pk>/", drf_detail),
        path("bench/handwritten/pledges/", hand_list),
        path("bench/handwritten/pledges/<int:pk>/", hand_detail),
        *baseline_urls.urlpatterns,
    ]
