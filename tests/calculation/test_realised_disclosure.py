"""What a council member sees of realised returns goes through disclosure control: rows of few
households hidden with their amounts, the others' household counts rounded, and the realisation
degree of fewer households than the threshold not shown."""

from calculation.realised.api import council_realisation, suppressed_rows


def test_rows_of_few_households_hide_their_amounts_and_the_rest_are_rounded(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    settings.SIEX_COUNT_ROUNDING = 5
    rows = [
        {"area": "WK001400", "households": 42, "gross": 1000.0, "attributable": 800.0},
        {"area": "WK001401", "households": 4, "gross": 90.0, "attributable": 70.0},
        {"area": "WK001402", "households": 13, "gross": 300.0, "attributable": 200.0},
        {"area": "WK001403", "households": 61, "gross": 2000.0, "attributable": 1500.0},
    ]
    shown = suppressed_rows(rows)
    assert shown[1] == {"area": "WK001401", "households": None, "gross": None, "attributable": None}
    # The smallest other row hides too (secondary), or the 4 would follow from the total.
    assert shown[2]["households"] is None and shown[2]["gross"] is None
    assert [shown[0]["households"], shown[3]["households"]] == [40, 60]
    assert shown[0]["gross"] == 1000.0


def test_the_realisation_degree_shows_a_rounded_count_or_nothing(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    settings.SIEX_COUNT_ROUNDING = 5
    degree = {"households": 23, "outcomes": [{"outcome": "x"}], "realised": 5.0, "degree": 0.5}
    assert council_realisation(degree)["households"] == 25
    assert council_realisation(degree)["degree"] == 0.5
    few = council_realisation({**degree, "households": 7})
    assert few["households"] is None and few["degree"] is None and few["outcomes"] == []
