"""Browser tests: Playwright drives the system Chromium (/usr/bin/chromium) against a live server.

No browser is downloaded: Playwright starts the Chromium that .ci/run installs from Debian's
packages. axe-core is injected from tests/browser/vendor, so the accessibility check runs offline.

Screenshots: ``shoot(page, "name")`` keeps a full-page screenshot of the page as it is, and a test
that fails leaves one of each tab it had open, in ``test-artifacts/screenshots/`` (the folder
``SIEX_TEST_ARTIFACTS`` names instead of ``test-artifacts``), for CI to keep as artefacts.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from siex.accounts.selectors import two_factor_required
from tests.conftest import services_required
from tests.two_factor import authenticator, code_now

CHROMIUM = os.environ.get("SIEX_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "browser-test-password-123"
ROOT = Path(__file__).resolve().parents[2]


def artifacts_folder() -> Path:
    """Where the browser tests leave what CI keeps: ``$SIEX_TEST_ARTIFACTS`` or test-artifacts/."""
    return Path(os.environ.get("SIEX_TEST_ARTIFACTS") or ROOT / "test-artifacts")


def screenshots_folder() -> Path:
    return artifacts_folder() / "screenshots"


def screenshot_path(test_id: str, name: str) -> Path:
    """``<test module>--<test>--<name>.png``: one file per test and point, readable in a listing."""
    test_id = test_id.replace("tests/browser/", "").replace(".py::", "--").replace("[", "-")
    test_id = test_id.replace("]", "")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{test_id}--{name}").strip("-")
    return screenshots_folder() / f"{stem[:200]}.png"


def save_screenshot(page, test_id: str, name: str) -> Path:
    """A full-page screenshot of ``page`` as the test now sees it."""
    path = screenshot_path(test_id, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# Playwright's synchronous API keeps an event loop running in the test's thread while a browser is
# open; Django then refuses synchronous database work in that thread. The ORM calls the browser
# tests make between page actions (and the flush after each test) are ordinary synchronous calls,
# so the refusal is lifted for these tests only, from their setup to the end of their teardown.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    os.environ[ASYNC_UNSAFE] = "true"
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        os.environ.pop(ASYNC_UNSAFE, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test, so that its fixtures know in teardown whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def failed(request) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser(django_db_setup, live_server):
    """Chromium for one test module, started after the test database and the live server and
    closed with the module, so no event loop is left running for the tests that follow."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if services_required():
            pytest.fail(f"Chromium is needed for the browser tests: {CHROMIUM} not found.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab with the Dutch interface (the default) at the live server. When the test
    fails, a screenshot of every tab it had open is kept (``failed-1``, ``failed-2``, …)."""
    from django.conf import settings

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    # The test settings speak English to the other tests; the browser gets the product's Dutch.
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if failed(request):
        for number, tab in enumerate(context.pages, start=1):
            try:
                save_screenshot(tab, request.node.nodeid, f"failed-{number}")
            except Exception as error:  # a tab that cannot be photographed hides no failure
                print(f"No screenshot of {tab.url}: {error}")
    context.close()


@pytest.fixture
def shoot(request):
    """shoot(page, "name") -> keeps a full-page screenshot of ``page`` now, named after the test
    and ``name``, among the CI artefacts (see the module)."""

    def take(page, name: str) -> Path:
        return save_screenshot(page, request.node.nodeid, name)

    return take


@pytest.fixture
def sign_in(page, user_for):
    """sign_in(Role.X) -> signs in through the real login form as a user with that role."""

    def go(role):
        user = user_for(role)
        user.set_password(PASSWORD)
        user.save()
        device = authenticator(user) if two_factor_required(user) else None
        page.goto("/account/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(user.get_username())
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Inloggen").click()
        if device is not None:
            # The second step, with a code from the user's authenticator app.
            page.wait_for_url(lambda url: "/inloggen/code/" in url)
            page.get_by_label("Code", exact=True).fill(code_now(device))
            page.locator("main").get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda url: "/inloggen/" not in url)
        return user

    return go


def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page."""
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays on
    # (and is tested with it) while axe-core runs.
    page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        })"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


@pytest.fixture
def accessible():
    """accessible(page) asserts that axe-core finds no serious or critical violation."""

    def check(page):
        violations = axe_violations(page)
        assert not violations, f"{page.url}: {violations}"

    return check
