"""The neighbourhood photo of an area at a date: the latest value at or before it, withheld kept
withheld, breaks flagged, benchmarks and the peer group, the trend's direction, the programme
from the register and the calculation, suppression for the council, kept photos frozen, and the
comparison of two photos."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from calculation.models import CalculationRun, RunStatus
from calculation.services import scenario_create
from monitoring.indicators.models import ContextNote, Indicator, IndicatorValue
from monitoring.models import Area, AreaLevel
from monitoring.photos.peers import nearest, peer_group
from monitoring.photos.presentation import photo_for, suppressed
from monitoring.photos.selectors import area_photo, change_of, photos_compared
from monitoring.photos.services import photo_delete, photo_take
from siex.accounts.roles import Role
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    InterventionFactory,
    InterventionTypeFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db

PEER_CODES = [
    "aantal_inwoners",
    "gem_gestandaardiseerd_inkomen_hh_x1000eur",
    "pct_hh_onder_of_rond_sociaal_minimum",
    "pct_huurwoningen_corporatie",
]


def indicator(code, direction="higher_worse", version=1, valid_from=1990, unit="percentage"):
    return Indicator.objects.create(
        code=code,
        version=version,
        valid_from=valid_from,
        label_nl=f"{code} NL",
        label_en=f"{code} EN",
        unit=unit,
        decimals=1,
        direction=direction,
        theme="poverty",
    )


def value(ind, area, period, number=None, *, withheld=False, status="final"):
    return IndicatorValue.objects.create(
        indicator=ind,
        area=area,
        period=period,
        value=None if withheld else Decimal(str(number)),
        withheld=withheld,
        status=status,
    )


@pytest.fixture
def groningen():
    return MunicipalityFactory()


@pytest.fixture
def wijk(groningen):
    return DistrictFactory(parent=groningen, code="WK001401", name="Oosterpoort")


@pytest.fixture
def poverty():
    return indicator("pct_arm")


def test_the_photo_takes_the_latest_value_at_or_before_the_date(wijk, poverty):
    value(poverty, wijk, 2021, 12)
    value(poverty, wijk, 2022, 11, status="provisional")
    value(poverty, wijk, 2023, 10)
    photo = area_photo(area=wijk, on_date=date(2022, 12, 31))
    (entry,) = photo["indicators"]
    assert entry["latest"]["period"] == 2022
    assert entry["latest"]["value"] == "11"
    assert entry["latest"]["status"] == "provisional"
    assert [point["period"] for point in entry["trend"]] == [2021, 2022]
    # Lower poverty is better.
    assert entry["trend_direction"] == "better"
    assert entry["trend"][1]["change"] == "better"
    assert (
        area_photo(area=wijk, on_date=date(2024, 1, 1))["indicators"][0]["latest"]["period"] == 2023
    )
    assert area_photo(area=wijk, on_date=date(2020, 6, 1))["indicators"] == []


def test_a_withheld_value_stays_withheld_never_0(wijk, poverty):
    value(poverty, wijk, 2021, 12)
    value(poverty, wijk, 2022, withheld=True)
    (entry,) = area_photo(area=wijk, on_date=date(2023, 1, 1))["indicators"]
    assert entry["latest"]["withheld"] is True
    assert entry["latest"]["value"] is None
    assert entry["trend_direction"] is None
    assert entry["trend"][1]["change"] is None


def test_a_definition_break_is_flagged_and_ends_the_trend(wijk, poverty):
    second = indicator("pct_arm", version=2, valid_from=2022)
    value(poverty, wijk, 2020, 14)
    value(poverty, wijk, 2021, 12)
    value(second, wijk, 2022, 20)
    (entry,) = area_photo(area=wijk, on_date=date(2023, 1, 1))["indicators"]
    assert entry["version"] == 2
    assert entry["definition_break"] is True
    assert entry["trend"][2]["break_before"] is True
    assert entry["trend"][2]["change"] is None
    assert entry["trend_direction"] is None  # 12 → 20 crosses the break: no direction


def test_the_trend_direction_follows_the_indicators_direction():
    assert change_of(Decimal(10), Decimal(12), "higher_better") == "better"
    assert change_of(Decimal(10), Decimal(12), "higher_worse") == "worse"
    assert change_of(Decimal(12), Decimal(10), "higher_worse") == "better"
    assert change_of(Decimal(10), Decimal(10), "higher_better") == "equal"
    assert change_of(Decimal(10), Decimal(12), "neutral") == "up"
    assert change_of(None, Decimal(12), "neutral") is None


def _municipalities(context, rows):
    """Hand-made municipalities with the peer indicators' values for 2022."""
    areas = {}
    for code, numbers in rows.items():
        area = Area.objects.get_or_create(
            code=code,
            year=2024,
            defaults={"name": f"Gemeente {code}", "level": AreaLevel.MUNICIPALITY},
        )[0]
        areas[code] = area
        for ind, number in zip(context, numbers, strict=True):
            value(ind, area, 2022, number)
    return areas


def test_the_peer_group_is_the_ten_nearest_on_z_scores():
    table = {"A": [0.0, 0.0], "B": [1.0, 0.0], "C": [0.0, 10.0], "D": [5.0, 0.0]}
    # In raw numbers D (5 away) is nearer than C (10 away); standardised, the second column's
    # larger spread makes C the nearer.
    assert [code for code, _ in nearest("A", table, 2)] == ["B", "C"]
    assert nearest("X", table, 2) == []


def test_benchmarks_municipality_country_and_peers_of_the_same_period(groningen, wijk, poverty):
    context = [
        indicator(code, unit="count" if code == "aantal_inwoners" else "percentage")
        for code in PEER_CODES
    ]
    country = Area.objects.create(code="NL01", name="Nederland", level=AreaLevel.COUNTRY, year=2024)
    # Groningen and 13 others; the three far ones must not be peers.
    rows = {"GM0014": [230000, 28, 10, 32]}
    for i in range(1, 11):
        rows[f"GM01{i:02d}"] = [220000 + i * 1000, 28 + i / 10, 10 + i / 10, 31 + i / 10]
    rows["GM0900"] = [20000, 45, 3, 5]
    rows["GM0901"] = [900000, 40, 4, 10]
    rows["GM0902"] = [15000, 30, 20, 60]
    areas = _municipalities(context, rows)
    value(poverty, wijk, 2022, 15)
    value(poverty, wijk, 2023, 14)
    value(poverty, groningen, 2022, 11)
    value(poverty, groningen, 2023, 10)
    value(poverty, country, 2022, 7)
    for i, code in enumerate(sorted(c for c in rows if c.startswith("GM01"))):
        value(poverty, areas[code], 2022, 8 + i % 2)  # 5 × 8 and 5 × 9: mean 8.5
        value(poverty, areas[code], 2023, 100 if i == 0 else 9)
    for code in ("GM0900", "GM0901", "GM0902"):
        value(poverty, areas[code], 2022, 50)
    period, peers = peer_group(municipality_code="GM0014", year=2023)
    assert period == 2022
    assert sorted(peer.code for peer in peers) == sorted(c for c in rows if c.startswith("GM01"))
    # Before 2022 there is no peer data: no peer group.
    assert peer_group(municipality_code="GM0014", year=2021) == (None, [])

    photo = area_photo(area=wijk, on_date=date(2022, 12, 31))
    (entry,) = [e for e in photo["indicators"] if e["code"] == "pct_arm"]
    assert entry["benchmarks"]["municipality"] == {
        "code": "GM0014",
        "value": "11",
        "withheld": False,
    }
    assert entry["benchmarks"]["country"]["value"] == "7"
    assert entry["benchmarks"]["peers"] == {"value": "8.5", "count": 10, "period": 2022}
    assert photo["peer_group"]["period"] == 2022
    assert len(photo["peer_group"]["members"]) == 10
    # In 2023 the benchmarks are of 2023: the country has none, the peers' mean is of 2023.
    (entry,) = [
        e
        for e in area_photo(area=wijk, on_date=date(2023, 6, 1))["indicators"]
        if e["code"] == "pct_arm"
    ]
    assert entry["benchmarks"]["municipality"]["value"] == "10"
    assert entry["benchmarks"]["country"] is None
    assert entry["benchmarks"]["peers"]["value"] == str((Decimal(100) + 9 * 9) / 10)
    assert entry["benchmarks"]["peers"]["period"] == 2023


def test_without_peer_values_of_the_period_the_peers_mean_is_of_the_latest_earlier_one(
    wijk, poverty
):
    # CBS publishes the municipalities' figures later than the wijken': a wijk value of 2023
    # sets beside it the peers' mean of 2022, saying so.
    from monitoring.photos.display import _peers_text
    from monitoring.photos.selectors import _peer_mean

    found = {
        ("GM0001", poverty.pk, 2022): (Decimal(8), False),
        ("GM0002", poverty.pk, 2022): (
            Decimal(9),
            False,
        ),
    }
    mean = _peer_mean(found, ["GM0001", "GM0002"], poverty.pk, 2023)
    assert mean == {"value": "8.5", "count": 2, "period": 2022}
    assert _peers_text(mean, 2023, "percentage", 1) == "8,5% (2022)"
    assert _peers_text(mean, 2022, "percentage", 1) == "8,5%"
    assert _peer_mean(found, ["GM0001"], poverty.pk, 2021) is None


def test_the_context_notes_of_the_area_and_the_periods(wijk, poverty):
    value(poverty, wijk, 2021, 12)
    ContextNote.objects.create(
        key="corona", period_from=2020, period_to=2021, title="Corona", text="x"
    )
    ContextNote.objects.create(key="later", period_from=2025, title="Later", text="x")
    other = DistrictFactory(code="WK001402", parent=wijk.parent)
    ContextNote.objects.create(key="elders", period_from=2021, area=other, title="Elders", text="x")
    photo = area_photo(area=wijk, on_date=date(2022, 1, 1))
    assert [note["key"] for note in photo["context_notes"]] == ["corona"]


@pytest.fixture
def programme(groningen):
    """Households in two wijken at 1 January 2025: in Oosterpoort 12 (3 ended, 1 only later),
    in Selwerd 4; interventions and their costs by hand."""
    oost = DistrictFactory(parent=groningen, code="WK001401", name="Oosterpoort")
    selwerd = DistrictFactory(parent=groningen, code="WK001402", name="Selwerd")
    coaching = InterventionTypeFactory(code="coaching-p", name_nl="Coaching", unit_cost=1000)
    job = InterventionTypeFactory(code="werk-p", name_nl="Werk", unit_cost=3000)
    households = [
        HouseholdFactory(area=oost, participation_start=date(2023, 1, 1)) for _ in range(9)
    ]
    households += [
        HouseholdFactory(area=oost, participation_start=date(2023, 1, 1), ended=True)
        for _ in range(3)
    ]
    HouseholdFactory(area=oost, participation_start=date(2025, 6, 1))  # not yet at the date
    in_selwerd = [
        HouseholdFactory(area=selwerd, participation_start=date(2024, 1, 1)) for _ in range(4)
    ]
    for household in households:
        InterventionFactory(
            household=household,
            intervention_type=coaching,
            start_date=date(2024, 2, 1),
            status="completed",
            end_date=date(2024, 8, 1),
            actual_cost=Decimal("1000"),
        )
    InterventionFactory(household=households[0], intervention_type=job, start_date=date(2024, 3, 1))
    InterventionFactory(  # planned: not received yet
        household=households[1],
        intervention_type=job,
        start_date=date(2024, 3, 1),
        status="planned",
    )
    InterventionFactory(  # after the date
        household=households[2], intervention_type=job, start_date=date(2025, 3, 1)
    )
    for household in in_selwerd:
        InterventionFactory(
            household=household,
            intervention_type=job,
            start_date=date(2024, 4, 1),
            actual_cost=Decimal("2500"),
        )
    return {"oost": oost, "selwerd": selwerd}


def test_the_programme_of_two_wijken_and_the_municipality(programme, groningen):
    on = date(2025, 1, 1)
    oost = area_photo(area=programme["oost"], on_date=on)["programme"]
    assert oost["participants"] == {"active": 9, "ended": 3}
    assert [(row["code"], row["count"]) for row in oost["interventions"]] == [
        ("coaching-p", 12),
        ("werk-p", 1),
    ]
    assert oost["spend"] == "12000"
    assert oost["realised_returns"] is None  # not yet measured
    assert oost["expected_returns"] is None  # no calculation yet
    selwerd = area_photo(area=programme["selwerd"], on_date=on)["programme"]
    assert selwerd["participants"] == {"active": 4, "ended": 0}
    assert selwerd["spend"] == "10000"
    total = area_photo(area=groningen, on_date=on)["programme"]
    assert total["participants"] == {"active": 13, "ended": 3}
    assert [(row["code"], row["count"]) for row in total["interventions"]] == [
        ("coaching-p", 12),
        ("werk-p", 5),
    ]
    assert total["spend"] == "22000"
    country = Area.objects.create(code="NL01", name="Nederland", level=AreaLevel.COUNTRY, year=2024)
    nowhere = area_photo(area=country, on_date=on)["programme"]
    assert nowhere["participants"] == {"active": None, "ended": None}
    assert nowhere["spend"] is None and nowhere["interventions"] == []


def test_the_expected_returns_come_from_the_latest_calculation(programme, groningen):
    version = scenario_create(code="plan", name="Plan")
    version.start_year = 2024
    version.save(update_fields=["start_year"])
    CalculationRun.objects.create(
        scenario_version=version,
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        results={
            "unit_returns": [
                {
                    "intervention_type": "coaching-p",
                    "year": 2024,
                    "benefits": 1500.0,
                    "benefits_pv": 1400.0,
                },
                {
                    "intervention_type": "werk-p",
                    "year": 2024,
                    "benefits": 9000.0,
                    "benefits_pv": 8000.0,
                },
            ]
        },
    )
    expected = area_photo(area=programme["selwerd"], on_date=date(2025, 1, 1))["programme"][
        "expected_returns"
    ]
    assert expected["benefits"] == 4 * 9000.0
    assert expected["benefits_pv"] == 4 * 8000.0
    assert expected["scenario"] == "Plan"
    total = area_photo(area=groningen, on_date=date(2025, 1, 1))["programme"]["expected_returns"]
    # 12 coachings and 5 jobs started (the planned one brings nothing yet).
    assert total["benefits"] == 12 * 1500.0 + 5 * 9000.0


def test_a_council_member_sees_the_programme_suppressed(programme, user_for):
    content = area_photo(area=programme["selwerd"], on_date=date(2025, 1, 1))
    council = photo_for(content, user_for(Role.COUNCIL_MEMBER))
    shown = council["programme"]
    assert shown["suppressed"] is True
    # 4 households: below 10, so no count and no amount of them.
    assert shown["participants"] == {"active": None, "ended": None}
    assert shown["interventions"][0]["count"] is None
    assert shown["spend"] is None
    lead = photo_for(content, user_for(Role.PROJECT_LEAD))["programme"]
    assert lead["participants"] == {"active": 4, "ended": 0} and lead["spend"] == "10000"

    oost = suppressed(area_photo(area=programme["oost"], on_date=date(2025, 1, 1)), 10)["programme"]
    # 12 households in all: the total shows, 9 active and 3 ended both hide (each below 10).
    assert oost["participants"] == {"active": None, "ended": None}
    assert oost["spend"] == "12000"
    # 12 coachings show; 1 job hides, and so must the smallest other cell (secondary).
    assert [row["count"] for row in oost["interventions"]] == [None, None]


def test_a_kept_photo_stays_as_it_was_when_new_values_arrive(wijk, poverty, user_for):
    value(poverty, wijk, 2022, 11)
    kept = photo_take(
        area=wijk, on_date=date(2023, 6, 1), title="Foto 2023", user=user_for(Role.PROJECT_LEAD)
    )
    value(poverty, wijk, 2023, 9)
    IndicatorValue.objects.filter(period=2022).update(value=Decimal(13))
    kept.refresh_from_db()
    (entry,) = kept.content["indicators"]
    assert (entry["latest"]["period"], entry["latest"]["value"]) == (2022, "11")
    live = area_photo(area=wijk, on_date=date(2023, 6, 1))["indicators"][0]["latest"]
    assert (live["period"], live["value"]) == (2023, "9")


def test_two_photos_compared(wijk, poverty, user_for):
    income = indicator("inkomen", direction="higher_better")
    changed = indicator("pct_zorg")
    lead = user_for(Role.PROJECT_LEAD)
    value(poverty, wijk, 2022, 12)
    value(income, wijk, 2022, 30)
    value(changed, wijk, 2022, 5)
    value(poverty, wijk, 2023, withheld=True)
    first = photo_take(area=wijk, on_date=date(2022, 12, 31), title="2022", user=lead)
    value(poverty, wijk, 2024, 10)
    value(income, wijk, 2024, 29.5)
    new_definition = indicator("pct_zorg", version=2, valid_from=2024)
    value(new_definition, wijk, 2024, 8)
    second = photo_take(area=wijk, on_date=date(2024, 12, 31), title="2024", user=lead)
    rows = {row["code"]: row for row in photos_compared(first.content, second.content)}
    assert rows["pct_arm"]["difference"] == "-2" and rows["pct_arm"]["change"] == "better"
    assert rows["inkomen"]["difference"] == "-0.5" and rows["inkomen"]["change"] == "worse"
    assert rows["pct_zorg"]["definition_break"] is True
    assert rows["pct_zorg"]["difference"] is None and rows["pct_zorg"]["change"] is None


def test_only_the_project_lead_deletes_a_kept_photo(wijk, user_for):
    from django.core.exceptions import PermissionDenied

    photo = photo_take(
        area=wijk, on_date=date(2024, 1, 1), title="", user=user_for(Role.POLICY_OFFICER)
    )
    assert photo.title == "Neighbourhood photo" or photo.title == "Wijkfoto"
    with pytest.raises(PermissionDenied):
        photo_delete(photo=photo, user=user_for(Role.POLICY_OFFICER))
    photo_delete(photo=photo, user=user_for(Role.PROJECT_LEAD))
    assert not type(photo).objects.exists()


def test_the_photo_of_groningen_from_the_shipped_cbs_files(cbs_values):
    """On the real data: Groningen's peer group holds ten other municipalities, and a
    wijk's photo carries the municipality's and the peers' values of the same period."""
    period, peers = peer_group(municipality_code="GM0014", year=2024)
    print(period, [(peer.name, peer.distance) for peer in peers])
    assert period in (2022, 2023)
    assert len(peers) == 10 and "GM0014" not in {peer.code for peer in peers}
    wijk = Area.objects.filter(code="WK001401").order_by("-year").first()
    photo = area_photo(area=wijk, on_date=date(2024, 12, 31))
    entry = next(
        e for e in photo["indicators"] if e["code"] == "pct_hh_onder_of_rond_sociaal_minimum"
    )
    assert entry["latest"]["period"] <= 2024
    if entry["latest"]["period"] == period:
        assert entry["benchmarks"]["peers"]["count"] >= 1
    assert entry["benchmarks"]["municipality"] is not None
