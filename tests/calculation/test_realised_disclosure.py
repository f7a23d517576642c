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
    outcomes = [{"outcome": "x", "realised": 5.0, "degree": 0.5, "households": 23}]
    degree = {"households": 23, "outcomes": outcomes, "realised": 5.0, "degree": 0.5}
    assert council_realisation(degree)["households"] == 25
    assert council_realisation(degree)["degree"] == 0.5
    few = council_realisation({**degree, "households": 7})
    assert few["households"] is None and few["degree"] is None and few["outcomes"] == []


def outcome(code, realised, forecast, *, households):
    return {
        "outcome": code,
        "realised": realised,
        "forecast": forecast,
        "degree": realised / forecast,
        "households": households,
    }


def test_an_outcome_reached_by_few_households_keeps_its_realised_value_hidden(settings):
    settings.SIEX_SMALL_CELL_THRESHOLD = 10
    settings.SIEX_COUNT_ROUNDING = 5
    degree = {
        "households": 80,
        "realised": 600.0,
        "forecast": 1000.0,
        "degree": 0.6,
        "outcomes": [
            outcome("werk", 100.0, 300.0, households=3),
            outcome("schuld", 200.0, 300.0, households=21),
            outcome("zorg", 300.0, 400.0, households=56),
        ],
    }
    shown = council_realisation(degree)["outcomes"]
    assert shown[0]["realised"] is None and shown[0]["degree"] is None
    # A partner hides too, or the 100 would follow from the total of 600.
    assert shown[1]["realised"] is None
    assert shown[2]["realised"] == 300.0 and shown[2]["households"] == 55
    assert shown[0]["forecast"] == 300.0  # the forecast is the plan's, not the households'
