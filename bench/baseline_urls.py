"""The site's URLs, plus a bare view the benchmark measures everything else against.

The baseline answers a fixed short text through the same middleware, server and settings as every
page, so "page rps / baseline rps" shows what the page itself costs. It exists only when
TRACKER_BENCH_BASELINE=1, which bench/run.py sets on the server it starts.
"""

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker import urls as tracker_urls


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse("baseline\n", content_type="text/plain; charset=utf-8")


urlpatterns = list(tracker_urls.urlpatterns)
if os.environ.get("TRACKER_BENCH_BASELINE") == "1":
    urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *urlpatterns]

handler400 = tracker_urls.handler400
handler404 = tracker_urls.handler404
handler500 = tracker_urls.handler500
