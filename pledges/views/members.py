"""Placeholder: replaced by the public pages work."""

from django.http import HttpResponse
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("members")


class MemberListView(_Stub):
    pass


class MemberDetailView(_Stub):
    pass
