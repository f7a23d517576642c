"""The neighbourhood photo's API: every signed-in role reads indicators, values (filtered by
indicator, area, period and level) and context notes; a withheld value is null, never 0."""

import pytest

from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(indicators):
    from monitoring.indicators.importing import indicator_values_check, indicator_values_commit

    data = (
        b"gebied;jaar;indicator;waarde\n"
        b"GM0014;2023;wmo_clienten_per_1000_inw;66\n"
        b"WK001400;2023;wmo_clienten_per_1000_inw;35\n"
        b"WK001401;2023;wmo_clienten_per_1000_inw;.\n"
        b"WK001400;2022;pct_huurwoningen;84\n"
    )
    indicator_values_commit(report=indicator_values_check(data=data, file_name="w.csv"))


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_reads_the_neighbourhood_photo(client_for, values, role):
    api = client_for(role)
    indicators = api.get("/api/v1/indicators/", {"code": "pct_hh_tot_120_sociaal_minimum"})
    assert indicators.status_code == 200
    assert indicators.json()["results"][0]["unit"] == "percentage"
    listed = api.get("/api/v1/indicator-values/", {"indicator": "wmo_clienten_per_1000_inw"})
    assert listed.status_code == 200
    assert {row["area"] for row in listed.json()["results"]} == {"GM0014", "WK001400", "WK001401"}
    notes = api.get("/api/v1/context-notes/", {"area": "GM0014", "period": 2019})
    assert [note["key"] for note in notes.json()["results"]] == ["herindeling-2019"]


def test_values_filter_by_area_period_and_level_and_withheld_is_null(client_for, values):
    api = client_for(Role.COUNCIL_MEMBER)

    def rows(**params):
        response = api.get("/api/v1/indicator-values/", params)
        assert response.status_code == 200, response.content
        return response.json()["results"]

    assert [(r["area"], r["value"]) for r in rows(level="gemeente")] == [("GM0014", "66.0000")]
    assert [r["indicator"] for r in rows(area="wk001400", period=2022)] == ["pct_huurwoningen"]
    withheld = rows(area="WK001401")[0]
    assert withheld["withheld"] is True and withheld["value"] is None
    # An indicator is also found by the code another source gives it.
    assert rows(indicator="hh_tot_120_soc_min") == []


def test_an_anonymous_request_is_refused(client, values):
    assert client.get("/api/v1/indicator-values/").status_code in (401, 403)
