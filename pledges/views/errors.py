"""Error pages in the site's design, and the health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/v1/"):
        return JsonResponse(
            {"error": gettext("There is no API endpoint at %(path)s.") % {"path": request.path}}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def health(request):
    """Answers 200 when the database answers: for load balancers and uptime checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
