"""The change history is true: it records only what changed, in words a policy officer reads
(Dutch field names and labels, amounts in euros, local time)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from interventions.catalogue.models import InterventionType
from interventions.register.models import Intervention
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from tests.access_matrix.catalogue import type_data
from tests.factories import HouseholdFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sessions_outlast_the_frozen_clock(settings):
    """Changes are made at a fixed moment (freeze_time) and read at the real time: the officer's
    session, signed in at the real time, must not end in between (by the eight hours from the
    sign-in or the idle half hour, both counted from a clock that jumps): what is tested here is
    how the history shows the moment of a change, not when a session ends."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    settings.SIEX_SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60


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
            # Shares are typed in percent on the page.
            f"cost_share_year_{n}": as_typed(getattr(gkb, f"cost_share_year_{n}") * 100)
            for n in range(1, 6)
        },
    )
    links = [
        (link.outcome.code, as_typed(link.success_probability * 100), link.note)
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


# --- In the words of the pages --------------------------------------------------------------------


def dutch(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def text(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(html))


@pytest.fixture
def changed_intervention(officer, groningen_areas):
    """An intervention an officer registered at 13:45 Amsterdam time (12:45 UTC) and then changed,
    and an old entry from before decimals were normalised (a change that was none)."""
    coaching = InterventionTypeFactory(code="energiecoach", unit_cost=Decimal("2500.00"))
    household = HouseholdFactory(area=groningen_areas[0], participation_start=date(2026, 1, 1))
    form = {
        "intervention_type": coaching.pk,
        "start_date": "2026-03-01",
        "status": "active",
        "actual_cost": "2500",
        "notes": "",
    }
    with freeze_time("2026-12-05 12:45:30.123456"):
        officer.post(reverse("register:intervention-new", kwargs={"pk": household.pk}), form)
        intervention = Intervention.objects.get()
        officer.post(
            reverse("register:intervention-edit", kwargs={"pk": intervention.pk}),
            {**form, "status": "completed", "end_date": "2026-06-30", "version": 1},
        )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Intervention),
        object_pk=str(intervention.pk),
        object_id=intervention.pk,
        object_repr=str(intervention),
        action=LogEntry.Action.UPDATE,
        changes={"actual_cost": ["2500.00", "2500"], "notes": ["", "Eerste gesprek"]},
        actor=Intervention.objects.get().created_by,
    )
    return intervention


def test_the_household_page_shows_the_history_in_dutch(officer, changed_intervention):
    page = text(
        dutch(officer).get(
            reverse("register:household", kwargs={"pk": changed_intervention.household_id})
        )
    )
    history = page[page.index("Wijzigingsgeschiedenis") :]
    assert "05-12-2026 13:45" in history  # local time, to the minute
    assert "12:45" not in history and ".123456" not in history
    assert "Status : actief → afgerond" in history
    assert "Einddatum : — → 30-06-2026" in history
    assert "Werkelijke kosten (EUR) : — → EUR 2.500,00" in history
    assert "Aangemaakt" in history and "Gewijzigd" in history
    for english in ("Update", "Create", "active", "completed", "2500.00", "2024-", "None"):
        assert english not in history, english
    # The old entry shows only the notes: 2500.00 and 2500 are the same amount.
    assert "Aantekeningen : — → Eerste gesprek" in history
    assert "EUR 2.500,00 → EUR 2.500,00" not in history


def test_the_audit_pages_show_the_history_in_dutch(client_for, changed_intervention):
    # The change history of the register is for the roles that may see households.
    lead = dutch(client_for(Role.PROJECT_LEAD))
    page = text(lead.get(reverse("audit:changes")))
    assert "Werkelijke kosten (EUR): — → EUR 2.500,00" in page
    assert "Status: actief → afgerond" in page
    assert "05-12-2026 13:45 " in page  # local time, to the minute
    for hidden in ("Aangemaakt op", "12:45", "13:45:30", "2500.00 →", "→ 2500 "):
        assert hidden not in page, hidden
    response = lead.get(reverse("audit:changes-export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tijd (Europe/Amsterdam)"
    # Local time to the second, without microseconds; the entries made outside the frozen clock
    # (the factories', the old entry) may fall in different seconds.
    times = {row[0] for row in rows[1:]}
    assert "05-12-2026 13:45:30" in times
    assert all(re.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}", time) for time in times)
    changes = {(row[6], row[7], row[8]) for row in rows[1:]}
    assert ("status", "actief", "afgerond") in changes
    assert ("werkelijke kosten (EUR)", "—", "EUR\u00a02.500,00") in changes
    assert not [row for row in rows[1:] if row[6] == "werkelijke kosten (EUR)" and row[7] != "—"]


def test_the_access_log_names_filters_in_dutch_and_leaves_empty_ones_out(
    client_for, officer, groningen_areas
):
    centrum = groningen_areas[0]
    officer.get(reverse("register:households"), {"area": centrum.pk, "income_source": "work"})
    officer.post(reverse("register:households"), {"q": "123456782"})
    AccessLogEntry.objects.create(
        username="oud",
        action="export",
        model="interventions.household",
        query={"format": "csv", "kinds": ["households"], "wijk": None},
    )
    page = text(dutch(client_for(Role.ADMINISTRATOR)).get(reverse("audit:access-log")))
    assert f"Wijk: {centrum.name} ({centrum.code})" in page
    assert "Inkomensbron: werk" in page
    assert "Zoektekst: geweigerd: lijkt op een BSN" in page
    assert "Bestandsformaat: csv" in page and "Inhoud: households" in page
    assert "None" not in page and "wijk:" not in page.lower().replace("wijk: centrum", "")
