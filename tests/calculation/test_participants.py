"""The return per household (participants page): a small register worked out by hand, classes
including "no return", groups by intervention type, wijk and cohort, expected and realised; the
council's view suppressed (also secondarily), refused on drafts; downloads equal the tables;
the register shown as a snapshot named by its moment, brought up to date by a job."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from kombu.exceptions import OperationalError

from calculation import jobs, tasks
from calculation.models import CalculationRun, RunStatus
from calculation.participants import snapshots
from calculation.participants.distribution import CLASSES, class_counts, classify
from calculation.participants.presentation import distribution_for, participant_charts
from calculation.participants.selectors import ParticipantReturns, participant_returns
from calculation.services import scenario_import, scenario_version_fix
from interventions.followup.models import EvidenceSource, OutcomeEvent
from interventions.register.models import Household, InterventionStatus
from monitoring.suppression import DisclosureRules
from siex import celery_app
from siex.accounts.roles import Role
from tests.calculation import scenario_docs as docs
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db

REFERENCE = date(2026, 6, 30)
RULES = DisclosureRules(threshold=10, rounding=5)


def version_document():
    """From 2023 for 5 years: ``coach`` (unit cost 1,000) and ``schuld`` (500) both bring
    ``werk``, worth 1,000 a year for the whole horizon, nothing cut off."""
    return docs.scenario(
        parameters={"start_year": 2023, "horizon_years": 5},
        types=[docs.intervention_type("coach"), docs.intervention_type("schuld", unit_cost=500.0)],
        intake_rows=[],
        code="deelnemers",
    )


def finished_run(version, unit_returns: dict[tuple[str, int], float]) -> CalculationRun:
    return CalculationRun.objects.create(
        scenario_version=version,
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        results={
            "unit_returns": [
                {"intervention_type": code, "year": year, "benefits": value, "benefits_pv": value}
                for (code, year), value in unit_returns.items()
            ]
        },
    )


@pytest.fixture
def register():
    """Six households within the horizon (and one before it), worked out by hand:

    - H1 (wijk A, cohort 2023): coach 2023, actual cost 800; werk on 1 March 2024 (its coaching):
      expected 3,000, net 2,200; realised 2 × 1,000 by 30 June 2026;
    - H2 (A, 2023): coach 2023 stopped, actual cost 800: expected 0, net −800;
    - H3 (B, 2024): coach 2024, no actual cost (unit cost 1,000): expected 600, net −400;
    - H4 (B, 2023): schuld 2023 (500) and coach 2023 (1,000): expected 15,000, net 13,500;
      werk on 10 January 2025, linked to no intervention: realised 1,000;
    - H5 (A, 2024): no intervention; H6 (A, 2023): only a planned coaching: no return;
    - H7 (A, 2019–2020): before the horizon, left out.
    """
    draft = scenario_import(document=version_document())
    version = scenario_version_fix(version=draft, expected_version=draft.version)
    run = finished_run(
        version, {("coach", 2023): 3000.0, ("coach", 2024): 600.0, ("schuld", 2023): 12000.0}
    )
    coach, schuld = InterventionTypeFactory(code="coach"), InterventionTypeFactory(code="schuld")
    werk = OutcomeFactory(code="werk")
    wijk_a = DistrictFactory(code="WK001401", name="Wijk A")
    wijk_b = DistrictFactory(code="WK001402", name="Wijk B")

    def household(area, start, end=None):
        return HouseholdFactory(area=area, participation_start=start, participation_end=end)

    h1 = household(wijk_a, date(2023, 2, 1))
    i1 = InterventionFactory(
        household=h1,
        intervention_type=coach,
        start_date=date(2023, 3, 1),
        status=InterventionStatus.COMPLETED,
        actual_cost=Decimal("800"),
    )
    h2 = household(wijk_a, date(2023, 2, 1))
    InterventionFactory(
        household=h2,
        intervention_type=coach,
        start_date=date(2023, 3, 1),
        status=InterventionStatus.STOPPED,
        actual_cost=Decimal("800"),
    )
    h3 = household(wijk_b, date(2024, 1, 1))
    InterventionFactory(household=h3, intervention_type=coach, start_date=date(2024, 2, 1))
    h4 = household(wijk_b, date(2023, 1, 1))
    InterventionFactory(household=h4, intervention_type=schuld, start_date=date(2023, 2, 1))
    InterventionFactory(household=h4, intervention_type=coach, start_date=date(2023, 4, 1))
    household(wijk_a, date(2024, 5, 1))
    h6 = household(wijk_a, date(2023, 5, 1))
    InterventionFactory(
        household=h6,
        intervention_type=coach,
        start_date=date(2023, 6, 1),
        status=InterventionStatus.PLANNED,
    )
    h7 = household(wijk_a, date(2019, 1, 1), date(2020, 12, 31))
    InterventionFactory(household=h7, intervention_type=coach, start_date=date(2019, 2, 1))
    for who, day, intervention in ((h1, date(2024, 3, 1), i1), (h4, date(2025, 1, 10), None)):
        OutcomeEvent.objects.create(
            household=who,
            outcome=werk,
            date=day,
            evidence=EvidenceSource.REGISTRATION,
            intervention=intervention,
        )
    return version, run


def counts(shown, basis):
    return dict(zip(shown.classes, shown.histogram[basis], strict=True))


def test_classes_have_fixed_bounds_and_a_class_for_no_return():
    amounts = [-0.01 - 5, 0, 0.001, 0.5, 1000, 1000.01, 2500, 5000, 9999, 25000, 25000.5]
    assert [CLASSES[i] for i in classify(amounts)] == [
        "negative",
        "none",
        "none",
        "to_1000",
        "to_1000",
        "to_2500",
        "to_2500",
        "to_5000",
        "to_10000",
        "to_25000",
        "above_25000",
    ]
    assert class_counts([]) == [0] * len(CLASSES)


def test_the_distribution_of_the_register_per_class(register):
    version, run = register
    returns = participant_returns(version, run, reference=REFERENCE)
    assert len(returns.households) == 6  # H7 participated before the horizon
    by_id = returns.households.set_index("household")
    assert sorted(by_id["expected_benefits"]) == [0, 0, 0, 600, 3000, 15000]
    assert sorted(by_id["expected_costs"]) == [0, 0, 800, 800, 1000, 1500]
    assert sorted(by_id["realised_benefits"]) == [0, 0, 0, 0, 1000, 2000]
    shown = distribution_for(
        returns, measure="benefits", basis="expected", dimension="wijk", suppress=False
    )
    assert "negative" not in shown.classes  # benefits are never negative
    assert counts(shown, "expected") == {
        "none": 3,
        "to_1000": 1,
        "to_2500": 0,
        "to_5000": 1,
        "to_10000": 0,
        "to_25000": 1,
        "above_25000": 0,
    }
    assert counts(shown, "realised")["none"] == 4
    assert counts(shown, "realised")["to_1000"] == 1 and counts(shown, "realised")["to_2500"] == 1
    assert shown.overall["expected"].share_none == pytest.approx(0.5)
    assert shown.overall["expected"].median == pytest.approx(300)
    net = distribution_for(
        returns, measure="net", basis="expected", dimension="wijk", suppress=False
    )
    assert counts(net, "expected") == {
        "negative": 2,
        "none": 2,
        "to_1000": 0,
        "to_2500": 1,
        "to_5000": 0,
        "to_10000": 0,
        "to_25000": 1,
        "above_25000": 0,
    }
    # Realised net: what was realised less the costs of the interventions started so far.
    assert counts(net, "realised")["negative"] == 3  # H2 −800, H3 −1,000, H4 −500
    # "Without return" is about the benefits, whatever the measure.
    assert net.overall["expected"].share_none == pytest.approx(0.5)


def test_groups_by_type_wijk_and_cohort(register):
    version, run = register
    returns = participant_returns(version, run, reference=REFERENCE)

    def groups(dimension, basis="expected"):
        shown = distribution_for(
            returns, measure="benefits", basis=basis, dimension=dimension, suppress=False
        )
        return {row.label: row for row in shown.groups}

    wijken = groups("wijk")
    assert {label: row.households for label, row in wijken.items()} == {
        "Wijk A (WK001401)": 4,
        "Wijk B (WK001402)": 2,
    }
    assert wijken["Wijk A (WK001401)"].mean == pytest.approx(750)
    assert wijken["Wijk A (WK001401)"].share_none == pytest.approx(0.75)
    assert wijken["Wijk B (WK001402)"].median == pytest.approx(7800)
    cohorts = groups("cohort")
    assert {label: row.households for label, row in cohorts.items()} == {"2023": 4, "2024": 2}
    types = groups("type")
    # A household counts under each type it received, with the return of that type.
    assert {label: row.households for label, row in types.items()} == {"coach": 4, "schuld": 1}
    assert types["coach"].mean == pytest.approx((3000 + 0 + 600 + 3000) / 4)
    assert types["schuld"].median == pytest.approx(12000)
    realised = groups("type", "realised")
    # H4's event is linked to no intervention: it counts by wijk and cohort only.
    assert realised["coach"].mean == pytest.approx(2000 / 4)
    assert realised["schuld"].share_none == pytest.approx(1.0)
    assert groups("wijk", "realised")["Wijk B (WK001402)"].mean == pytest.approx(500)


# --- disclosure control ---------------------------------------------------------------------------


def synthetic(sizes: dict[str, list[int]]) -> ParticipantReturns:
    """Households per wijk: for each wijk the number of households in each benefits class
    (``none``, 500, 2,000, 4,000, 8,000, 20,000, 30,000), realised nothing."""
    amounts = (0.0, 500.0, 2000.0, 4000.0, 8000.0, 20000.0, 30000.0)
    rows = []
    for area, per_class in sizes.items():
        for amount, n in zip(amounts, per_class, strict=True):
            for offset in range(n):
                # No two households with a return alike.
                rows.append((area, amount + offset if amount else 0.0))
    frame = pd.DataFrame(rows, columns=["area", "expected_benefits"])
    frame["household"] = range(1, len(frame) + 1)
    frame["cohort"] = 2024
    frame["expected_costs"] = 0.0
    frame["realised_benefits"] = 0.0
    frame["realised_costs"] = 0.0
    return ParticipantReturns(
        version=type("Version", (), {"catalogue": {}})(),
        run=None,
        reference=REFERENCE,
        households=frame,
        pairs=frame.assign(intervention_type="coach"),
    )


SIZES = {
    "WK001401": [30, 12, 25, 14, 11, 12, 20],
    "WK001402": [22, 3, 18, 16, 12, 15, 11],
    "WK001403": [4, 2, 3, 1, 0, 2, 1],  # 13 households: shown, but each class hidden
    "WK001404": [10, 11, 14, 12, 13, 6, 15],
}


def assert_no_single_hidden_cell(cells, total):
    """With the total shown, a line must not hide exactly one cell (it would follow)."""
    hidden = [cell is None for cell in cells]
    assert total is None or sum(hidden) != 1, (cells, total)


def test_the_council_sees_counts_suppressed_rounded_and_secondarily_protected(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    settings.SIEX_COUNT_ROUNDING = 5
    returns = synthetic(SIZES)
    lead = distribution_for(
        returns,
        measure="benefits",
        basis="expected",
        dimension="wijk",
        suppress=False,
        rules=RULES,
    )
    council = distribution_for(
        returns,
        measure="benefits",
        basis="expected",
        dimension="wijk",
        suppress=True,
        rules=RULES,
    )
    true = np.array([row.counts for row in lead.groups])
    shown = [row.counts for row in council.groups]
    for true_row, shown_row in zip(true, shown, strict=True):
        for value, cell in zip(true_row, shown_row, strict=True):
            if value < 10:
                assert cell is None  # primary: "<10"
            if cell is not None:
                assert cell % 5 == 0 and abs(cell - value) <= 2  # rounded to 5
    # Secondary suppression: no row or column with its total shown hides exactly one cell.
    for row in council.groups:
        assert_no_single_hidden_cell(row.counts, row.households)
    for j, total in enumerate(council.class_totals):
        assert_no_single_hidden_cell([row[j] for row in shown], total)
    # WK001402 has 3 households in the 0–1,000 class: hidden, and its neighbours so that
    # 3 does not follow from the row total and the class total.
    assert shown[1][1] is None
    assert sum(cell is None for cell in shown[1]) >= 2
    # The histogram line: the same rules.
    line = council.histogram["expected"]
    assert all(cell is None or cell % 5 == 0 for cell in line)
    assert council.histogram_totals["expected"] == RULES.rounded(true.sum())
    assert council.suppressed and not lead.suppressed


def test_the_council_sees_no_statistics_of_a_small_group(settings):
    returns = synthetic(
        {
            "WK001401": [30, 12, 25, 14, 11, 12, 20],
            "WK001402": [2, 1, 3, 0, 0, 0, 1],
            "WK001403": [40, 20, 25, 15, 11, 12, 20],
            "WK001404": [20, 22, 15, 14, 11, 10, 30],
        }
    )
    council = distribution_for(
        returns,
        measure="benefits",
        basis="expected",
        dimension="wijk",
        suppress=True,
        rules=RULES,
    )
    small = council.groups[1]
    assert small.households is None
    assert small.median is None and small.p10 is None and small.p90 is None
    assert small.mean is None and small.share_none is None
    shown = [row for row in council.groups if row.households is not None]
    assert shown, "the large wijken keep their figures"
    big = shown[0]
    assert big.median is not None and big.p10 is not None and big.p90 is not None
    # Never a minimum or maximum: the figures of a group are means and percentiles only.
    assert not hasattr(big, "minimum") and not hasattr(big, "maximum")
    charts = participant_charts(council)
    assert "30019" not in str(charts["groups"].rows)  # the largest amount is one household's


# --- the page and its downloads -------------------------------------------------------------------


@freeze_time("2026-06-30")
def test_the_page_shows_the_lead_the_distribution(register, client_for):
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-participants", kwargs={"pk": version.pk})
    response = client.get(url, {"dimension": "wijk", "basis": "expected", "measure": "net"})
    assert response.status_code == 200
    charts = {chart.key: chart for chart, _csv, _xlsx in response.context["charts"]}
    assert set(charts) == {"classes", "groups", "spread"}
    assert "Wijk A (WK001401)" in response.content.decode()
    assert response.context["shown"].measure == "net"
    assert not response.context["shown"].suppressed
    for household in Household.objects.all():
        assert household.pseudonym not in response.content.decode()
        assert f"/huishoudens/{household.pk}/" not in response.content.decode()


@freeze_time("2026-06-30")
def test_the_council_reads_a_fixed_version_suppressed_and_never_a_draft(register, client_for):
    version, _run = register
    client = client_for(Role.COUNCIL_MEMBER)
    url = reverse("calculation:version-participants", kwargs={"pk": version.pk})
    response = client.get(url)
    assert response.status_code == 200
    shown = response.context["shown"]
    assert shown.suppressed
    # Six households: every count below the threshold, no statistic.
    assert all(cell is None for cell in shown.histogram["expected"])
    assert shown.overall["expected"].median is None
    assert "pseudonym" not in response.content.decode()
    draft = scenario_import(document={**version_document(), "code": "ontwerp"})
    finished_run(draft, {("coach", 2023): 1.0})
    draft_url = reverse("calculation:version-participants", kwargs={"pk": draft.pk})
    assert client.get(draft_url).status_code == 403
    chart_url = reverse(
        "calculation:version-participants-chart",
        kwargs={"pk": draft.pk, "key": "classes", "file_format": "csv"},
    )
    assert client.get(chart_url).status_code == 403
    assert client_for(Role.PROJECT_LEAD).get(draft_url).status_code == 200


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(
        csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ",")
    )


@freeze_time("2026-06-30")
@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.COUNCIL_MEMBER], ids=str)
def test_each_download_holds_exactly_the_rows_of_its_table(register, client_for, role):
    version, _run = register
    client = client_for(role)
    choices = {"dimension": "type", "basis": "realised", "measure": "benefits"}
    page = client.get(
        reverse("calculation:version-participants", kwargs={"pk": version.pk}), choices
    )
    for chart, csv_url, xlsx_url in page.context["charts"]:
        assert "dimension=type" in csv_url and "basis=realised" in xlsx_url
        download = client.get(csv_url)
        assert download.status_code == 200
        rows = csv_rows(download)
        assert rows[0] == list(chart.headers)
        assert len(rows) - 1 == len(chart.rows)
        for line, row in zip(rows[1:], chart.rows, strict=True):
            assert line[0] == str(row[0].value)
            for text, cell in zip(line[1:], row[1:], strict=True):
                if cell.value is None or isinstance(cell.value, str):
                    assert text == (cell.value or "")
                else:
                    assert float(text.replace(",", ".")) == pytest.approx(float(cell.value))
        xlsx = client.get(xlsx_url)
        assert xlsx.status_code == 200
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@freeze_time("2026-06-30")
def test_a_change_to_the_register_shows_at_once_though_the_distribution_is_cached(
    register, client_for
):
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-participants", kwargs={"pk": version.pk})
    before = client.get(url).context["shown"]
    assert before.histogram_totals["expected"] == 6
    assert client.get(url).context["shown"] == before  # from the cache
    HouseholdFactory(area=DistrictFactory(code="WK001401"), participation_start=date(2025, 1, 1))
    assert client.get(url).context["shown"].histogram_totals["expected"] == 7


def test_a_version_without_a_finished_calculation_says_so(client_for):
    draft = scenario_import(document={**version_document(), "code": "zonder"})
    version = scenario_version_fix(version=draft, expected_version=draft.version)
    client = client_for(Role.COUNCIL_MEMBER)
    page = client.get(reverse("calculation:version-participants", kwargs={"pk": version.pk}))
    assert page.status_code == 200 and page.context["shown"] is None
    chart = reverse(
        "calculation:version-participants-chart",
        kwargs={"pk": version.pk, "key": "classes", "file_format": "csv"},
    )
    assert client.get(chart).status_code == 404


def test_when_most_bring_nothing_the_summary_does_not_say_half_bring_more_than_nothing():
    from django.utils import translation

    from calculation.participants.presentation import Distribution, Summary, histogram_summary

    def shown(median):
        overall = {
            "expected": Summary("", 4075, share_none=0.71, median=median),
            "realised": Summary("", 4075, share_none=1.0, median=0.0),
        }
        return Distribution(
            "benefits", "expected", "type", [], {}, {}, {}, overall, [], [], None, False, 10
        )

    with translation.override("nl"):
        text = histogram_summary(shown(0.0))
        assert "de helft" not in text
        assert "het middelste huishouden levert naar verwachting EUR\u00a00 op" in text
        assert "de helft levert naar verwachting meer op dan EUR\u00a01.200" in histogram_summary(
            shown(1200.0)
        )


@freeze_time("2026-06-30")
def test_every_breakdown_and_reader_works_from_the_register_read_once(
    register, django_assert_max_num_queries
):
    from calculation.participants import presentation

    version, run = register
    _snapshot, lead = presentation.cached_distribution(
        version,
        run,
        reference=REFERENCE,
        measure="net",
        basis="expected",
        dimension="type",
        suppress=False,
    )
    # Another breakdown, basis and reader: the stamp of the register and the areas' names, but
    # no household, intervention or event read again.
    with django_assert_max_num_queries(4) as queries:
        _snapshot, council = presentation.cached_distribution(
            version,
            run,
            reference=REFERENCE,
            measure="net",
            basis="realised",
            dimension="wijk",
            suppress=True,
        )
    assert not any(
        table in query["sql"]
        for query in queries.captured_queries
        for table in ('interventions_intervention"."household_id', 'outcomeevent"."date')
    )
    assert lead.histogram_totals["expected"] == 6 and council.suppressed
    fresh = distribution_for(
        participant_returns(version, run, reference=REFERENCE),
        measure="net",
        basis="realised",
        dimension="wijk",
        suppress=True,
    )
    assert council == fresh


# --- snapshots of the register (calculation/participants/snapshots.py) ------------------------
# The page names the moment of the register it shows; once the register changed, a recent
# snapshot is still shown, saying so, while one job takes a new one; an older one, or one without
# a worker or broker to take it, is brought up to date while the reader waits.

NOW = "2026-06-30 10:00:00"


@pytest.fixture
def not_eager():
    """Tasks go to a worker, as on the real stack (not run in the web process)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def with_worker(not_eager, monkeypatch):
    """Tasks go to a worker; the jobs sent are recorded, not run."""
    sent: list[tuple] = []

    def send(name, *args, countdown=None):
        sent.append((name, *args, countdown))

    monkeypatch.setattr(jobs, "send", send)
    return sent


def _page(client, version):
    return client.get(reverse("calculation:version-participants", kwargs={"pk": version.pk}))


def _households(response) -> int:
    return response.context["shown"].histogram_totals["expected"]


def _register_changes():
    HouseholdFactory(area=DistrictFactory(code="WK001401"), participation_start=date(2025, 1, 1))


def test_the_page_names_the_moment_of_the_register_it_shows(register, client_for):
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    with freeze_time(NOW):
        response = _page(client, version)
    assert response.context["snapshot"].current
    assert "The register as it stood on" in response.content.decode()
    with translation.override("nl"), freeze_time(NOW):
        client.cookies["django_language"] = "nl"
        text = _page(client, version).content.decode()
    assert "Het register zoals het was op" in text


def test_with_a_worker_a_changed_register_shows_the_recent_snapshot_saying_so_and_one_job_renews_it(
    register, client_for, with_worker, django_assert_max_num_queries
):
    version, run = register
    client = client_for(Role.COUNCIL_MEMBER)
    with freeze_time(NOW) as clock:
        first = _page(client, version)
        assert first.context["snapshot"].current and with_worker == []  # none yet: computed
        _register_changes()
        clock.tick(10)
        stale = _page(client, version)
        assert stale.context["snapshot"].current is False
        assert stale.context["snapshot"].taken_at == first.context["snapshot"].taken_at
        assert stale.context["shown"] == first.context["shown"]
        assert "It has changed since" in stale.content.decode()
        _page(client, version)  # a second reader: no second job
        # One job, to take the new snapshot once the shown one is half a minute old.
        assert with_worker == [
            (jobs.REFRESH_PARTICIPANTS, version.pk, run.pk, REFERENCE.toordinal(), 20.0)
        ]
        clock.tick(20)
        tasks.refresh_participants(*with_worker[0][1:-1])  # the worker takes it
        clock.tick(1)
        # It worked out the page as first opened: the reader after it reads no register.
        with django_assert_max_num_queries(30) as queries:
            renewed = _page(client, version)
    assert renewed.context["snapshot"].current
    assert renewed.context["snapshot"].taken_at > first.context["snapshot"].taken_at
    assert not any(
        'interventions_intervention"."household_id' in query["sql"]
        for query in queries.captured_queries
    )


def test_a_snapshot_older_than_the_limit_is_brought_up_to_date_while_the_reader_waits(
    register, client_for, with_worker, settings
):
    settings.SIEX_PARTICIPANTS_MAX_STALE_SECONDS = 120
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    with freeze_time(NOW) as clock:
        assert _households(_page(client, version)) == 6
        _register_changes()
        clock.tick(121)
        response = _page(client, version)
    assert response.context["snapshot"].current
    assert _households(response) == 7
    assert with_worker == []


def test_when_the_broker_cannot_take_the_job_the_page_is_brought_up_to_date_at_once(
    register, client_for, not_eager, monkeypatch
):
    version, _run = register

    def broker_down(name, *args, countdown=None):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs, "send", broker_down)
    client = client_for(Role.PROJECT_LEAD)
    with freeze_time(NOW):
        assert _households(_page(client, version)) == 6
        _register_changes()
        response = _page(client, version)
        assert response.context["snapshot"].current and _households(response) == 7
        # The next reader tries the broker again (no job is taken to be on its way).
        _register_changes()
        assert _households(_page(client, version)) == 8


def test_where_tasks_run_in_the_web_process_the_page_is_always_current(register, client_for):
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    with freeze_time(NOW):
        assert _households(_page(client, version)) == 6
        _register_changes()
        response = _page(client, version)
    assert response.context["snapshot"].current and _households(response) == 7


def test_a_renewal_of_an_unchanged_register_or_of_a_run_that_is_gone_does_nothing(register):
    version, run = register
    with freeze_time(NOW):
        snapshot, _returns = snapshots.take(version, run, reference=REFERENCE)
        assert snapshots.refresh(version_id=version.pk, run_id=run.pk, reference=REFERENCE) is None
        assert snapshots.refresh(version_id=version.pk, run_id=0, reference=REFERENCE) is None
        _register_changes()
        renewed, returns = snapshots.refresh(
            version_id=version.pk, run_id=run.pk, reference=REFERENCE
        )
    assert renewed.stamp != snapshot.stamp and len(returns.households) == 7
    assert snapshots.newest(version, run, reference=REFERENCE)[0].stamp == renewed.stamp


def test_the_downloads_hold_the_figures_of_the_snapshot_the_page_shows(
    register, client_for, with_worker
):
    version, _run = register
    client = client_for(Role.PROJECT_LEAD)
    url = reverse(
        "calculation:version-participants-chart",
        kwargs={"pk": version.pk, "key": "classes", "file_format": "csv"},
    )
    with freeze_time(NOW):
        before = client.get(url).content
        _register_changes()
        assert client.get(url).content == before  # the page shows the snapshot too
