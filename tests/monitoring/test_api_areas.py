"""The areas endpoint: readable by every role, filtered by level, parent and division year."""

import pytest

from monitoring.models import Area
from siex.accounts.roles import Role
from tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for, groningen_areas):
    return client_for(Role.COUNCIL_MEMBER)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_areas_filter_by_level_parent_year_and_code(api, groningen_areas):
    wijken = codes(api.get("/api/v1/areas/", {"level": "wijk", "page_size": 100}))
    assert wijken == sorted(area.code for area in groningen_areas)
    assert len(wijken) == 20
    assert codes(api.get("/api/v1/areas/", {"parent": "gm0014", "page_size": 100})) == wijken
    assert codes(api.get("/api/v1/areas/", {"level": "gemeente"})) == ["GM0014"]
    assert codes(api.get("/api/v1/areas/", {"code": "wk001404"})) == ["WK001404"]
    year = groningen_areas[0].year
    older = MunicipalityFactory(year=year - 5)
    DistrictFactory(parent=older, code="WK001401", year=year - 5)
    assert codes(api.get("/api/v1/areas/", {"year": year - 5})) == ["GM0014", "WK001401"]
    assert len(codes(api.get("/api/v1/areas/", {"code": "WK001401"}))) == 2


def test_the_list_leaves_out_boundaries_and_the_detail_has_them(api, groningen_areas):
    area = groningen_areas[0]
    listed = api.get("/api/v1/areas/", {"code": area.code}).json()["results"][0]
    assert "geometry" not in listed
    assert listed["parent"] == "GM0014"
    detail = api.get(f"/api/v1/areas/{area.pk}/").json()
    assert detail["geometry"] == Area.objects.get(pk=area.pk).geometry
    assert detail["inhabitants"] == area.inhabitants


@pytest.mark.parametrize("params", [{"level": "provincie"}, {"year": "vorig jaar"}])
def test_an_invalid_area_filter_is_400(api, params):
    response = api.get("/api/v1/areas/", params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())
