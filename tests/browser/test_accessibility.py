"""The project lead's catalogue pages and the administrator's audit log pass the same accessibility
check as the policy officer's pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.models import InterventionType
from siex.accounts.roles import Role

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
