"""The dashboard checks themselves (``dashboards``), without a browser: they read the Dutch
notation of a table as numbers and catch a table or a download that disagrees with its chart."""

import pytest

from .dashboards import Table, _assert_download_matches, _plotted, shown_number


@pytest.mark.parametrize(
    ("text", "value", "tolerance"),
    [
        ("EUR 1.234.567", 1234567, 0.5),
        ("−EUR 63.600", -63600, 0.5),
        ("12,5%", 0.125, 0.0005),
        ("1,38", 1.38, 0.005),
        ("2026", 2026, 0.5),
    ],
)
def test_a_shown_number_is_read_with_the_precision_it_is_shown_with(text, value, tolerance):
    shown = shown_number(text)
    assert shown.value == pytest.approx(value) and shown.tolerance == pytest.approx(tolerance)
    assert shown.holds(value + 0.9 * tolerance) and not shown.holds(value + 1.1 * tolerance)


@pytest.mark.parametrize("text", ["<10", "–", "", "Budgetcoaching", "2026-2030", "3,5 jaar"])
def test_a_text_is_no_number(text):
    assert shown_number(text) is None


def test_a_tornado_bar_plots_its_end_and_a_heat_map_its_rows():
    bar = {"type": "bar", "orientation": "h", "y": ["a"], "x": [-200], "base": 1000}
    assert _plotted(bar) == (["a"], [800])
    heat = {"type": "heatmap", "y": ["a", "b"], "z": [[1, 2], [3, 4]]}
    assert _plotted(heat) == (["a", "b"], [[1, 2], [3, 4]])


def test_a_download_that_differs_from_the_table_fails():
    table = Table(["Wijk", "Huishoudens"], [["Oost", "<10"], ["West", "EUR 1.235"]])
    _assert_download_matches(
        "ok", [["Wijk", "Huishoudens"], ["Oost", None], ["West", 1234.6]], table
    )
    for rows in (
        [["Wijk", "Huishoudens"], ["Oost", 4], ["West", 1234.6]],  # a hidden count given away
        [["Wijk", "Huishoudens"], ["Oost", None], ["West", 1240]],  # another number
        [["Wijk", "Huishoudens"], ["Oost", None]],  # a row left out
    ):
        with pytest.raises(AssertionError):
            _assert_download_matches("wrong", rows, table)
