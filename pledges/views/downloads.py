"""Placeholder: replaced by the reuse work."""

from django.http import HttpResponse


def download_page(request):
    return HttpResponse("download_page")


def download_json(request):
    return HttpResponse("download_json")


def download_csv_zip(request):
    return HttpResponse("download_csv_zip")
