"""The database refuses what must never be stored, and keeps the history of every change."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from pledges.models import Citation, Member, Pledge, Source, Status, strongest_status
from tests.conftest import make_citation, make_count, make_member, make_pledge, make_source, make_type

pytestmark = pytest.mark.django_db


def refused(callable_):
    """Run a write that the database must refuse, without breaking the test's transaction."""
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_a_duplicate_member_slug_is_refused():
    make_member(slug="france")
    refused(lambda: make_member(slug="france"))
    assert Member.objects.filter(slug="france").count() == 1


def test_duplicate_source_and_type_slugs_are_refused():
    make_source(slug="paris-article")
    make_type(slug="troops")
    refused(lambda: make_source(slug="paris-article"))
    refused(lambda: make_type(slug="troops"))


def test_two_sources_cannot_share_a_url_but_many_may_have_none():
    make_source(url="https://example.org/a")
    make_source(url="")
    make_source(url="")
    refused(lambda: make_source(url="https://example.org/a"))


def test_a_negative_amount_or_quantity_is_refused():
    pledge = make_pledge()
    pledge.amount, pledge.currency = Decimal("-1"), "EUR"
    refused(pledge.save)
    pledge.refresh_from_db()
    pledge.quantity = Decimal("-2")
    refused(pledge.save)
    assert Pledge.objects.get(pk=pledge.pk).quantity is None


def test_an_amount_needs_a_currency():
    pledge = make_pledge()
    pledge.amount = Decimal("1000")
    refused(pledge.save)


def test_a_status_outside_the_ladder_is_refused():
    pledge = make_pledge()
    Pledge.objects.filter(pk=pledge.pk).update(status="committed")
    refused(lambda: Pledge.objects.filter(pk=pledge.pk).update(status="maybe"))
    assert Pledge.objects.get(pk=pledge.pk).status == "committed"


def test_a_date_and_its_precision_must_agree():
    refused(lambda: make_pledge(announced_on=None, announced_precision="day"))
    refused(lambda: make_pledge(announced_on=date(2025, 9, 4), announced_precision="unknown"))
    assert make_pledge(announced_on=None, announced_precision="unknown").announced_display == "Date unknown"


def test_an_empty_quote_is_refused():
    pledge = make_pledge(cited=False)
    refused(lambda: make_citation(pledge, quote=""))


def test_a_citation_supports_exactly_one_fact():
    pledge = make_pledge(cited=False)
    count = make_count()
    refused(
        lambda: Citation.objects.create(
            source=make_source(), quote="A quote", pledge=pledge, headline_count=count
        )
    )
    refused(lambda: Citation.objects.create(source=make_source(), quote="A quote with nothing to support"))


def test_a_country_needs_its_code_and_every_member_a_name():
    refused(lambda: make_member(kind=Member.Kind.COUNTRY, country=""))
    refused(lambda: make_member(name=""))
    assert (
        make_member(kind=Member.Kind.UNNAMED_GROUP, country="", name="About 10 European countries").is_named
        is False
    )


def test_deleting_a_cited_source_is_refused_and_loses_nothing():
    source = make_source()
    pledge = make_pledge(cited=False)
    make_citation(pledge, source=source)
    with pytest.raises(ProtectedError):
        source.delete()
    assert Source.objects.filter(pk=source.pk).exists()
    assert pledge.citations.count() == 1


def test_deleting_a_member_with_pledges_is_refused():
    pledge = make_pledge()
    with pytest.raises(ProtectedError):
        pledge.member.delete()


def test_a_quote_missing_from_the_source_text_fails_validation():
    citation = make_citation(make_pledge(cited=False))
    citation.quote = (
        "Germany  is prepared\nto pay for two Patriot systems"  # white space differs: still found
    )
    citation.full_clean()
    citation.quote = "France will send 50,000 troops tomorrow."
    with pytest.raises(ValidationError, match="This quote is not (found )?in the source’s archived text"):
        citation.full_clean()


def test_every_change_is_kept_in_history():
    pledge = make_pledge(status=Status.WILLING)
    pledge.status = Status.COMMITTED
    pledge.save()
    records = list(pledge.history.order_by("history_date"))
    assert [record.status for record in records] == ["willing", "committed"]
    assert records[-1].diff_against(records[0]).changed_fields == ["status"]
    for model in (Member, Source, Citation):
        assert model.history.exists(), f"{model.__name__} keeps no history"


def test_the_strongest_status_ranks_delivery_over_refusal():
    assert strongest_status(["ruled-out", "proposed"]) == "proposed"
    assert strongest_status(["willing", "delivered", "committed"]) == "delivered"
    assert strongest_status(["ruled-out"]) == "ruled-out"
    assert strongest_status([]) is None


def test_a_pledge_gets_a_stable_reference_and_readable_amounts():
    pledge = make_pledge(
        quantity=Decimal("50000"), quantity_unit="troops", amount=Decimal("156000000"), currency="USD"
    )
    # The parties are saved after the pledge, so its first save names it by its type; the reference
    # then never changes, whatever is saved later.
    ref = pledge.ref
    assert re.fullmatch(rf"{pledge.pledge_type.slug}-[0-9a-f]{{8}}", ref)
    pledge.summary = "Corrected."
    pledge.save()
    pledge.refresh_from_db()
    assert pledge.ref == ref
    # A reference made once the lead is known starts with the lead and the type.
    assert pledge.make_ref().startswith(f"{pledge.lead.slug}-{pledge.pledge_type.slug}-")
    assert pledge.make_ref() != pledge.make_ref()
    assert pledge.quantity_display == "50,000 troops"
    assert pledge.amount_display == "156,000,000 USD"
