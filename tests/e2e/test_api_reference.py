"""The API reference page, in a real browser: Swagger UI (vendored) reads the OpenAPI schema and shows
every operation under the site's strict Content-Security-Policy, with no error; the page cannot be
framed."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_reference_shows_every_operation_under_the_content_security_policy(visitor: Page, console_errors):
    response = visitor.goto("/api/reference/")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"

    operations = visitor.locator(".swagger-ui .opblock-get")
    expect(operations).to_have_count(15)
    expect(visitor.locator(".swagger-ui .info .title")).to_contain_text("Pledge tracker API")

    # A list opens on its filters, each with its type; the answers name the error bodies.
    pledges = visitor.locator("#operations-Pledges-pledge_list")
    pledges.locator(".opblock-summary").click()
    parameters = pledges.locator(".parameters")
    expect(parameters.locator(".parameter__name", has_text="has_money")).to_have_count(1)
    expect(parameters.locator("tr[data-param-name='has_money'] .parameter__type")).to_contain_text("boolean")
    expect(
        parameters.locator("tr[data-param-name='status'] select option", has_text="committed")
    ).to_have_count(1)
    expect(pledges.locator(".responses-table .response-col_status", has_text="400")).to_have_count(1)
    expect(pledges.locator(".responses-table .response-col_status", has_text="405")).to_have_count(1)
    assert console_errors == []


def test_the_api_page_links_the_reference_and_the_schema(visitor: Page, console_errors):
    visitor.goto("/api/")
    visitor.get_by_role("link", name="API reference").click()
    visitor.wait_for_url("**/api/reference/")
    expect(visitor.locator(".swagger-ui .opblock-get").first).to_be_visible()
    visitor.goto("/api/")
    with visitor.expect_response("**/api/v1/openapi.json") as answer:
        visitor.get_by_role("link", name="/api/v1/openapi.json").first.click()
    assert answer.value.status == 200
    assert console_errors == []
