"""Placeholder: replaced by the public pages work."""

from django.http import HttpResponse
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("overview")


class OverviewView(_Stub):
    pass
