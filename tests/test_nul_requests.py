"""A NUL character in a parameter (`q=%00`) is bad input, not a fault: the answer is a clean 400 that
says why, on the pages and in the API, logged as one line without a traceback and never as an error."""

import logging

import pytest

pytestmark = pytest.mark.django_db


def problems(caplog) -> list[str]:
    """Records a log reader would take for a fault: errors, or anything that carries a traceback."""
    return [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


@pytest.mark.parametrize("url", ["/pledges/?q=%00", "/pledges/?type=troops&q=a%00b", "/sources/?q=%00"])
def test_a_nul_in_a_page_search_is_a_400_page_that_says_why(client, caplog, url):
    with caplog.at_level(logging.DEBUG):
        response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "contains a NUL character (%00)" in page
    assert problems(caplog) == []
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f"Bad Request: {url.split('?')[0]}"
    ]


@pytest.mark.parametrize("url", ["/api/v1/pledges/?q=%00", "/api/v1/sources/?q=a%00"])
def test_a_nul_in_an_api_search_is_a_400_json_error_that_says_why(client, caplog, url):
    with caplog.at_level(logging.DEBUG):
        response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "NUL character (%00)" in response.json()["detail"]
    assert problems(caplog) == []
