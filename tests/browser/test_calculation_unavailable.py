"""A project lead asks for a recalculation while the calculation service is down: a clear,
accessible page says nothing was started, and the version page tells why."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from siex.accounts.roles import Role
from tests.worker import sending_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_recalculation_with_the_service_down_says_so_and_nothing_is_started(
    page, sign_in, accessible, scenario_version
):
    sign_in(Role.PROJECT_LEAD)
    page.goto(reverse("calculation:version", kwargs={"pk": scenario_version.pk}))
    # Nothing listens on port 1: the broker is down.
    with (
        sending_to("redis://127.0.0.1:1/0"),
        page.expect_response(lambda r: r.request.method == "POST") as answer,
    ):
        page.get_by_role("button", name="Herberekenen").click()
    assert answer.value.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("De rekendienst is niet bereikbaar")
    expect(page.get_by_role("alert")).to_contain_text(
        "De rekendienst is niet bereikbaar; er is niets gestart. "
        "Probeer het over een paar minuten opnieuw."
    )
    accessible(page)

    page.get_by_role("link", name="Terug naar de versie").click()
    expect(page.locator("#run")).to_contain_text("De rekendienst was niet bereikbaar")
    assert not scenario_version.runs.filter(status__in=["queued", "running"]).exists()
