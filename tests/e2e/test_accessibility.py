"""Every public page, in a real browser with the shipped dataset, passes axe-core's checks: no violation
of impact "serious" or "critical"."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.e2e.conftest import PUBLIC_PAGES, public_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BLOCKING = {"serious", "critical"}
AXE = Axe()


def describe(violations: list[dict]) -> str:
    """Each violation as its rule, impact and help, then the elements it was found on."""
    lines = []
    for violation in violations:
        rule, impact = violation["id"], violation["impact"]
        lines.append(f"{rule} ({impact}): {violation['help']}, {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
            lines.extend(f"        {line}" for line in node.get("failureSummary", "").splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "pledge-list-bad-filter"])
def test_no_serious_accessibility_violation(visitor: Page, name):
    path = "/pledges/?status=bogus" if name == "pledge-list-bad-filter" else public_path(name)
    response = visitor.goto(path)
    assert response is not None and response.status == (400 if name == "pledge-list-bad-filter" else 200)
    results = AXE.run(visitor).response
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {path}:\n{describe(blocking)}"
