"""Placeholder: replaced by the public pages work."""

from django.http import HttpResponse
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("sources")


class SourceListView(_Stub):
    pass


class SourceDetailView(_Stub):
    pass
