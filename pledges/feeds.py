"""Placeholder: replaced by the reuse work."""

from django.http import HttpResponse


class _Feed:
    def __call__(self, request, slug=None):
        return HttpResponse("feed")


class PledgeFeed(_Feed):
    pass


class MemberPledgeFeed(_Feed):
    pass


class TypePledgeFeed(_Feed):
    pass
