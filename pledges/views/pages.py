"""Placeholder: replaced by the public pages work."""

from django.http import HttpResponse
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("pages")


class TypeDetailView(_Stub):
    pass


class MeetingListView(_Stub):
    pass


class ChangeListView(_Stub):
    pass


class AboutView(_Stub):
    pass


class ApiDocsView(_Stub):
    pass
