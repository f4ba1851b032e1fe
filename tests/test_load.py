"""Sixteen readers and an editor publishing through the admin at the same moment: no reader gets an
error, and every change the admin confirmed is public afterwards. (bench/loadtest.py does the same
against a running server and prints its figures.)"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from bench.loadtest import AdminEditor, require_loopback, run
from pledges.models import Pledge
from tests.conftest import make_many_pledges, make_pledge
from tests.public_urls import LIST_PAGES, api_list_urls

READERS = 16
REQUESTS_PER_READER = 25
PASSWORD = "a long editor passphrase for the load test"


@pytest.fixture
def server_settings(settings):
    # Debug is off in tests and the static manifest only exists after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db(transaction=True)
def test_readers_and_an_editor_at_once_see_no_error_and_every_change(live_server, server_settings):
    published = make_many_pledges(60, members=6, types=4)
    drafts = [make_pledge(is_published=False, summary=f"Draft {n} awaiting review.") for n in range(8)]
    User.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    paths = [
        *(reverse(f"pledges:{name}") for name in ("overview", *LIST_PAGES)),
        *api_list_urls(),
        *(pledge.get_absolute_url() for pledge in published[:10]),
        *{pledge.member.get_absolute_url() for pledge in published},
    ]
    editor = AdminEditor(live_server.url)
    editor.log_in("editor", PASSWORD)

    result = run(
        live_server.url,
        readers=READERS,
        requests=REQUESTS_PER_READER,
        time_limit=25,
        editor=editor,
        pledges_to_edit=[draft.pk for draft in drafts],
        paths=paths,
    )

    assert result.errors == []
    assert result.requests == READERS * REQUESTS_PER_READER
    assert result.statuses == {200: READERS * REQUESTS_PER_READER}
    assert [change.pk for change in result.edits if change.confirmed] == [draft.pk for draft in drafts]
    assert result.check_problems == []
    for change in result.edits:
        pledge = Pledge.objects.get(pk=change.pk)
        assert (pledge.summary, pledge.is_published) == (change.summary, True)
        # The admin recorded who made the change.
        assert pledge.history.latest().history_user.username == "editor"


def test_the_load_test_refuses_to_run_against_another_machine():
    require_loopback("http://127.0.0.1:8000")
    require_loopback("http://localhost:8000")
    with pytest.raises(SystemExit, match="not a loopback address"):
        require_loopback("http://192.0.2.10:8000")
