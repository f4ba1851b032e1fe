"""Every admin page opens for a superuser, with rows in it, and its list costs the same queries
whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Citation, HeadlineCount, Meeting, Member, Membership, Pledge, PledgeType, Source
from tests.conftest import make_count, make_many_pledges, make_meeting, make_membership

MODELS = (Source, Member, Membership, PledgeType, Pledge, Meeting, HeadlineCount, Citation)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:pledges_{model._meta.model_name}_{view}", args=args)


def build_rows(n: int) -> None:
    """n (or more) rows of every model the admin lists."""
    make_many_pledges(n, members=n, types=n)
    for _ in range(n):
        make_membership()
        make_meeting()
        make_count()


@pytest.fixture
def rows(db) -> None:
    build_rows(3)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_every_changelist_opens_and_lists_its_rows(admin_client, rows, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    shown = response.context["cl"].result_count
    assert shown == model.objects.count() > 0
    first = model.objects.first()
    assert admin_url(model, "change", first.pk) in response.text


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_every_add_page_opens_with_its_form(admin_client, rows, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert f'id="{model._meta.model_name}_form"' in response.text


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_every_change_page_history_and_delete_page_opens(admin_client, rows, model):
    obj = model.objects.first()
    # Bulk-made rows have no history yet: two saves make at least two versions to list.
    obj.save()
    obj.save()

    change = admin_client.get(admin_url(model, "change", obj.pk))
    history = admin_client.get(admin_url(model, "history", obj.pk))
    record = obj.history.earliest()
    revert = admin_client.get(admin_url(model, "simple_history", obj.pk, record.history_id))
    delete = admin_client.get(admin_url(model, "delete", obj.pk))

    assert change.status_code == 200
    assert change.context["original"] == obj
    assert history.status_code == 200
    assert 'id="change-history"' in history.text
    assert history.text.count("this version") == obj.history.count() >= 2
    assert revert.status_code == 200
    assert "Revert to this version" in revert.text
    assert delete.status_code == 200


def test_the_admin_index_lists_every_model(admin_client, rows):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    for model in MODELS:
        assert admin_url(model, "changelist") in response.text


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, db, model):
    # Session, user, the page's rows and their joined relations, the count, the filters' choices:
    # the same whether the list holds a few rows or a full page.
    build_rows(2)
    few = changelist_queries(admin_client, model)
    build_rows(30)
    many = changelist_queries(admin_client, model)

    assert model.objects.count() >= 32
    assert many == few
