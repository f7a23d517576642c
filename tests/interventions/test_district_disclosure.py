"""Participating households per wijk on the council's start page: read at two dates, the totals
no longer give away the count of a wijk that dropped below the threshold."""

from datetime import date

from interventions.register.selectors import participating_per_district
from monitoring.suppression import DisclosureRules
from tests.factories import HouseholdFactory

BEFORE, AFTER = date(2025, 1, 1), date(2025, 7, 1)


def published(rules, on):
    shown = participating_per_district(rules=rules, on=on)
    return {row["area"].code: row["participating"] for row in shown["rows"]}, shown["total"]


def candidates(rules, wijk):
    """The values of ``wijk``'s count at the second date that fit both publications, for a
    reader who knows that nothing else changed."""
    cells_before, total_before = published(rules, BEFORE)
    cells_after, total_after = published(rules, AFTER)
    assert cells_after[wijk] is None and cells_before[wijk] is not None
    half = rules.rounding // 2

    def fits(value):
        return range(value - half, value + half + 1)

    return {
        earlier - (t_before - t_after)
        for earlier in fits(cells_before[wijk])
        if earlier >= rules.threshold
        for t_before in fits(total_before)
        for t_after in fits(total_after)
        if 0 <= earlier - (t_before - t_after) < rules.threshold
    }


def test_a_wijk_dropping_below_the_threshold_cannot_be_recovered_from_two_dates(
    groningen_areas,
):
    centrum, oud_zuid, oud_west = groningen_areas[0], groningen_areas[1], groningen_areas[2]
    start = date(2024, 1, 1)
    HouseholdFactory.create_batch(40, area=centrum, participation_start=start)
    # The wijken without households hide as zeros; Oud-West's 10 is the smallest shown count,
    # so it hides with them (their sum would be 0 otherwise) and Oud-Zuid's 12 shows.
    HouseholdFactory.create_batch(10, area=oud_west, participation_start=start)
    HouseholdFactory.create_batch(5, area=oud_zuid, participation_start=start)
    HouseholdFactory.create_batch(
        7, area=oud_zuid, participation_start=start, participation_end=date(2025, 3, 1)
    )
    # 12 in Oud-Zuid before, 5 after: without rounding the totals give the 5 away.
    exact = DisclosureRules(threshold=10, rounding=1)
    assert candidates(exact, oud_zuid.code) == {5}
    rounded = DisclosureRules(threshold=10, rounding=5)
    found = candidates(rounded, oud_zuid.code)
    assert 5 in found and len(found) > 1
    assert published(rounded, BEFORE)[0][oud_zuid.code] == 10  # 12, rounded
