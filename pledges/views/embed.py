"""Placeholder: replaced by the reuse work."""

from django.http import HttpResponse


def member_embed(request, slug=None):
    return HttpResponse("member_embed")


def member_card(request, slug=None):
    return HttpResponse("member_card")


def oembed(request, slug=None):
    return HttpResponse("oembed")
