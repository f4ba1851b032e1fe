"""A machine without Chromium or Java is told so at once, in one line naming the package to install,
by `make test` before it installs or runs anything and by pytest before the first browser test, rather
than with one error per browser test at the end of the run. `BROWSER_TESTS=0` leaves them out."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    # Nothing of an enclosing `make test` carries over (its MAKEFLAGS may hold BROWSER_TESTS=0).
    clean = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**clean, "BROWSER_TESTS": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def make_test(**env: str) -> subprocess.CompletedProcess:
    """`make test`, where a check that let it through would only collect the tests, not run them."""
    return run(
        ["make", "--no-print-directory", "test"], PYTEST_ADDOPTS="--collect-only -q", DATABASE_URL="", **env
    )


def no_java_path(tmp_path: Path) -> str:
    """A PATH with make and a shell but no java."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("make", "bash", "sh"):
        (folder / program).symlink_to(subprocess.check_output(["which", program], text=True).strip())
    return str(folder)


def test_make_test_names_the_chromium_package_before_anything_else():
    result = make_test(CHROMIUM="/nowhere/chromium")
    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        "The browser tests need Chromium at /nowhere/chromium: apt-get install chromium "
        "(or run without the browser tests: BROWSER_TESTS=0 make test)"
    ]


def test_make_test_names_the_java_package_before_anything_else(tmp_path):
    result = make_test(PATH=no_java_path(tmp_path))
    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        "The HTML checker of the browser tests needs Java: apt-get install default-jre-headless "
        "(or run without the browser tests: BROWSER_TESTS=0 make test)"
    ]


def test_make_test_without_the_browser_tests_asks_for_neither():
    result = run(
        ["make", "--no-print-directory", "-n", "test"], CHROMIUM="/nowhere/chromium", BROWSER_TESTS="0"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '-m "not browser"' in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("chromium", "The browser tests need Chromium at /nowhere/chromium: apt-get install chromium"),
        ("java", "The HTML checker of the browser tests needs Java: apt-get install default-jre-headless"),
    ],
)
def test_pytest_stops_once_before_the_first_browser_test(tmp_path, missing, message):
    env = {"CHROMIUM": "/nowhere/chromium"} if missing == "chromium" else {"PATH": no_java_path(tmp_path)}
    result = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/e2e", "-q"], **env)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    output = result.stdout + result.stderr
    assert output.count(message) == 1
    assert "no tests ran" in output


def test_pytest_leaves_the_browser_tests_out_when_asked():
    result = run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/e2e", "-q"],
        CHROMIUM="/nowhere/chromium",
        BROWSER_TESTS="0",
    )
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "deselected" in result.stdout
