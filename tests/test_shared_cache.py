"""The page cache shared by several workers (Redis), one render per page after a publish, and the
parameters a page does not read making no entries of their own.

Against a real Redis at REDIS_URL (redis://127.0.0.1:6379/15 by default). CI starts one; elsewhere a
machine without Redis skips these tests, but under CI a missing Redis fails them.
"""

import os
import threading
import time

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from pledges.caching import PublicCacheMiddleware
from pledges.services import publish_pledges
from tests.conftest import make_pledge

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False
    return True


@pytest.fixture
def shared_cache(settings):
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Redis at {REDIS_URL} (see .ci/run).")
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.django_db
def test_two_workers_share_one_cached_page(client, shared_cache):
    make_pledge(summary="Seen by every worker.")
    first = client.get("/pledges/")
    assert first["X-Cache"] == "miss"
    # Another worker process has its own connection but the same Redis: it finds the page.
    caches["default"].close()
    del caches["default"]
    again = client.get("/pledges/")
    assert again["X-Cache"] == "hit" and "Seen by every worker." in again.content.decode()


@pytest.mark.django_db
def test_a_publish_is_seen_at_once_by_every_worker(client, shared_cache, django_user_model):
    make_pledge(summary="Already public.")
    draft = make_pledge(summary="Published just now.", is_published=False)
    assert "Published just now." not in client.get("/pledges/").content.decode()
    publish_pledges(type(draft).objects.filter(pk=draft.pk), django_user_model.objects.create_user("ed"))
    assert "Published just now." in client.get("/pledges/").content.decode()


@pytest.mark.django_db
def test_parameters_a_page_does_not_read_make_no_entry_of_their_own(client, shared_cache):
    make_pledge()
    assert client.get("/about/")["X-Cache"] == "miss"
    assert client.get("/about/?utm_source=newsletter&b=1")["X-Cache"] == "hit"
    assert client.get("/pledges/?status=committed")["X-Cache"] == "miss"
    assert client.get("/pledges/?status=committed&fbclid=x")["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_many_readers_after_a_publish_cause_one_render(shared_cache):
    make_pledge()
    renders = []

    def slow_page(request):
        renders.append(1)
        time.sleep(0.4)  # a page that takes a while to build, as a large one does
        return HttpResponse("<p>the page</p>", content_type="text/html")

    middleware = PublicCacheMiddleware(slow_page)
    results = []

    def reader():
        request = RequestFactory().get("/about/")
        results.append(middleware(request))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(renders) == 1
    assert [r.status_code for r in results] == [200] * 8
    assert sorted(r["X-Cache"] for r in results) == ["hit"] * 7 + ["miss"]
