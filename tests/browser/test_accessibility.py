"""Every form of the policy officer, the project lead's catalogue pages and the administrator's
audit log pass the accessibility check."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.catalogue.models import InterventionType
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_catalogue_pages_are_accessible(page, sign_in, accessible, groningen_catalogue):
    sign_in(Role.PROJECT_LEAD)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Catalogus").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)

    code = InterventionType.objects.order_by("code").values_list("code", flat=True).first()
    for url in (
        reverse("catalogue:type", kwargs={"code": code}),
        reverse("catalogue:type-edit", kwargs={"code": code}),
        reverse("catalogue:type-new"),
        reverse("catalogue:outcome-new"),
        reverse("catalogue:upload"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        accessible(page)


def test_the_audit_log_pages_are_accessible(page, sign_in, accessible):
    sign_in(Role.ADMINISTRATOR)
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    navigation.get_by_role("link", name="Auditlog").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)
    page.goto(reverse("audit:changes"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page)


def test_the_officers_forms_are_accessible(page, sign_in, accessible, groningen_areas):
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2025, 1, 6))
    intervention = InterventionFactory(
        household=household,
        intervention_type=InterventionTypeFactory(unit_cost=Decimal("900.00")),
        start_date=date(2025, 2, 3),
    )
    sign_in(Role.POLICY_OFFICER)
    for url in (
        reverse("register:household-new"),
        reverse("register:household-edit", kwargs={"pk": household.pk}),
        reverse("register:intervention-new", kwargs={"pk": household.pk}),
        reverse("register:intervention-edit", kwargs={"pk": intervention.pk}),
        reverse("register:intervention-end", kwargs={"pk": intervention.pk}),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        accessible(page)
    # An empty household form: the error summary and the marked fields pass too.
    page.goto(reverse("register:household-new"))
    page.locator("main form").last.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    accessible(page)
