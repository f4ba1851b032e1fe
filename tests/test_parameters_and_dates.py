"""Bad true/false values are refused, partial dates are written as precisely as known, and an address
that is not one gets a clear answer, never a 500."""

import csv
import io
import json
from datetime import date

import pytest

from tests.conftest import make_member, make_pledge

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.mark.parametrize(
    "url",
    [
        "/pledges/?has_money=maybe",
        "/pledges/?has_money=1",
        "/pledges/?has_quantity=maybe",
        "/members/?guarantor=maybe",
        "/api/v1/pledges/?has_money=maybe",
        "/api/v1/members/?guarantor=1",
    ],
)
def test_a_true_false_parameter_takes_only_true_or_false(client, url):
    make_pledge()
    response = client.get(url)
    assert response.status_code == 400
    assert "Use true or false" in response.content.decode()


def test_true_and_false_still_filter(client):
    make_pledge(summary="With money.", amount=1000, currency="EUR")
    make_pledge(summary="Without money.")
    with_money = client.get("/pledges/?has_money=true").content.decode()
    without = client.get("/pledges/?has_money=false").content.decode()
    assert "With money." in with_money and "Without money." not in with_money
    assert "Without money." in without and "With money." not in without


def test_exports_write_a_month_as_a_month(client):
    make_pledge(announced_on=date(2024, 7, 1), announced_precision="month", member=make_member(slug="nato-x"))
    rows = list(csv.DictReader(io.StringIO(body(client.get("/pledges/?format=csv")))))
    assert [(row["announced_on"], row["announced_precision"]) for row in rows] == [("2024-07", "month")]
    document = json.loads(body(client.get("/pledges/?format=json")))
    assert document["results"][0]["announced_on"] == "2024-07"


def test_an_oembed_url_that_is_no_address_gets_a_404_not_a_500(client):
    assert client.get("/oembed/?url=http://%5B/members/france/").status_code == 404
