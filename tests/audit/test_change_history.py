"""The change history is true: it records only what changed, in words a policy officer reads
(Dutch field names and labels, amounts in euros, local time)."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from interventions.models import Intervention, InterventionType
from siex.accounts.roles import Role
from tests.access_matrix.catalogue import type_data
from tests.factories import HouseholdFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_for) -> Client:
    return client_for(Role.POLICY_OFFICER)


@pytest.fixture
def lead(client_for) -> Client:
    return client_for(Role.PROJECT_LEAD)


def latest_changes(instance) -> dict:
    return LogEntry.objects.get_for_object(instance).latest("timestamp", "id").changes


def as_typed(value: Decimal) -> str:
    """A number as a person types it: 2500, 0.7 (not 2500.00, 0.7000)."""
    return format(value.normalize(), "f")


def test_changing_only_the_provider_records_only_the_provider(lead, groningen_catalogue):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    # Typed as a person types them, the unchanged numbers differ in writing from the stored ones.
    assert as_typed(gkb.unit_cost) != str(gkb.unit_cost)
    data = type_data(
        gkb,
        provider="Kredietbank Nederland",
        unit_cost=as_typed(gkb.unit_cost),
        **{
            f"cost_share_year_{n}": as_typed(getattr(gkb, f"cost_share_year_{n}"))
            for n in range(1, 6)
        },
    )
    links = [
        (link.outcome.code, as_typed(link.success_probability), link.note)
        for link in gkb.outcome_links.all()
    ]
    data.update(
        {
            "outcomes-TOTAL_FORMS": str(len(links)),
            "outcomes-INITIAL_FORMS": str(len(links)),
            "outcomes-MIN_NUM_FORMS": "0",
            "outcomes-MAX_NUM_FORMS": "1000",
            **{
                f"outcomes-{i}-{name}": value
                for i, (code, probability, note) in enumerate(links)
                for name, value in (
                    ("outcome", code),
                    ("success_probability", probability),
                    ("note", note),
                )
            },
        }
    )
    entries_before = LogEntry.objects.count()
    response = lead.post(reverse("catalogue:type-edit", kwargs={"code": gkb.code}), data)
    assert response.status_code == 302, response.content[:2000]
    assert LogEntry.objects.count() == entries_before + 1  # no entry for the unchanged links
    assert latest_changes(gkb) == {"provider": [gkb.provider, "Kredietbank Nederland"]}


def test_changing_only_the_notes_records_only_the_notes(officer, groningen_areas):
    coaching = InterventionTypeFactory(code="coaching", unit_cost=Decimal("2500.00"))
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2024, 1, 1))
    form = {
        "intervention_type": coaching.pk,
        "start_date": "2024-03-01",
        "status": "active",
        "actual_cost": "2500",
        "notes": "",
    }
    officer.post(reverse("register:intervention-new", kwargs={"pk": household.pk}), form)
    intervention = Intervention.objects.get()
    assert latest_changes(intervention)["actual_cost"] == ["None", "2500.00"]
    response = officer.post(
        reverse("register:intervention-edit", kwargs={"pk": intervention.pk}),
        {**form, "notes": "Tweede gesprek", "version": 1},
    )
    assert response.status_code == 302
    assert latest_changes(intervention) == {"notes": ["", "Tweede gesprek"]}
    # And the household: a percentage typed without decimals is no change either.
    response = officer.post(
        reverse("register:household-edit", kwargs={"pk": household.pk}),
        {
            "area": household.area_id,
            "adults": household.adults,
            "children": household.children + 1,
            "income_pct_social_minimum": as_typed(household.income_pct_social_minimum),
            "income_source": household.income_source,
            "debt_situation": household.debt_situation,
            "participation_start": "2024-01-01",
            "legal_basis": household.legal_basis,
            "version": household.version,
        },
    )
    assert response.status_code == 302
    assert set(latest_changes(household)) == {"children"}
