"""The programme in a photo as a council member reads it: counts through disclosure control,
shown counts rounded, and the note says so."""

from monitoring.photos.presentation import suppressed


def content(active, ended, counts):
    return {
        "programme": {
            "participants": {"active": active, "ended": ended},
            "interventions": [{"code": f"t{i}", "count": count} for i, count in enumerate(counts)],
            "spend": "52000",
            "expected_returns": {"benefits": 1.0},
            "realised_returns": None,
        }
    }


def test_shown_counts_are_rounded_and_small_ones_hidden_with_a_partner():
    shown = suppressed(content(43, 12, [31, 4, 22, 17]), 10, rounding=5)["programme"]
    assert shown["participants"] == {"active": 45, "ended": 10}
    assert [row["count"] for row in shown["interventions"]] == [30, None, 20, None]
    assert shown["spend"] == "52000" and shown["rounding"] == 5


def test_amounts_of_fewer_households_than_the_threshold_are_hidden():
    shown = suppressed(content(6, 2, [5, 3]), 10, rounding=5)["programme"]
    assert shown["participants"] == {"active": None, "ended": None}
    assert shown["spend"] is None and shown["expected_returns"] is None


def test_no_ended_participation_does_not_hide_the_participants():
    # A zero is nobody to protect: it stays 0 and drags no real count into secondary suppression.
    shown = suppressed(content(23, 0, [23]), 10, rounding=5)["programme"]
    assert shown["participants"] == {"active": 25, "ended": 0}
    assert [row["count"] for row in shown["interventions"]] == [25]
