"""The catalogue endpoints: readable by every role, filtered by life domain, grade and use."""

import pytest

from interventions.catalogue.models import InterventionType, LifeDomain, Outcome
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for):
    return client_for(Role.COUNCIL_MEMBER)


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_intervention_types_filter_by_life_domain_grade_and_use(api, groningen_catalogue):
    domain = InterventionType.objects.values_list("life_domain__code", flat=True).first()
    expected = set(
        InterventionType.objects.filter(life_domain__code=domain).values_list("code", flat=True)
    )
    assert codes(api.get("/api/v1/intervention-types/", {"life_domain": domain})) == expected

    grade = InterventionType.objects.values_list("cost_confidence_grade", flat=True).first()
    expected = set(
        InterventionType.objects.filter(cost_confidence_grade=grade).values_list("code", flat=True)
    )
    assert codes(api.get("/api/v1/intervention-types/", {"grade": grade})) == expected

    retired = InterventionType.objects.order_by("code").first()
    retired.is_active = False
    retired.save()
    assert codes(api.get("/api/v1/intervention-types/", {"is_active": "false"})) == {retired.code}
    in_use = codes(api.get("/api/v1/intervention-types/", {"is_active": "true", "page_size": 200}))
    assert retired.code not in in_use
    assert len(in_use) == InterventionType.objects.count() - 1


def test_outcomes_and_actors_filter_and_details_carry_what_the_calculation_uses(
    api, groningen_catalogue
):
    outcome = Outcome.objects.first()
    by_domain = codes(
        api.get("/api/v1/outcomes/", {"life_domain": outcome.life_domain.code, "page_size": 200})
    )
    assert by_domain == set(
        Outcome.objects.filter(life_domain=outcome.life_domain).values_list("code", flat=True)
    )
    by_grade = codes(
        api.get("/api/v1/outcomes/", {"grade": outcome.confidence_grade, "page_size": 200})
    )
    assert outcome.code in by_grade
    assert all(
        grade == outcome.confidence_grade
        for grade in Outcome.objects.filter(code__in=by_grade).values_list(
            "confidence_grade", flat=True
        )
    )

    (municipality,) = codes(api.get("/api/v1/actors/", {"is_municipality": "true"}))
    assert municipality
    government = codes(api.get("/api/v1/actors/", {"sector": "government"}))
    assert municipality in government

    intervention_type = InterventionType.objects.prefetch_related("outcome_links").first()
    body = api.get(f"/api/v1/intervention-types/{intervention_type.code}/").json()
    assert body["unit_cost"] == str(intervention_type.unit_cost)
    assert sum(float(share) for share in body["cost_phasing"]) == pytest.approx(1)
    assert len(body["outcomes"]) == intervention_type.outcome_links.count()
    domain = LifeDomain.objects.first()
    assert api.get(f"/api/v1/life-domains/{domain.code}/").json()["name_nl"] == domain.name_nl


@pytest.mark.parametrize(
    "url, params, field",
    [
        ("/api/v1/outcomes/", {"grade": "7"}, "grade"),
        ("/api/v1/intervention-types/", {"grade": "x"}, "grade"),
        ("/api/v1/intervention-types/", {"is_active": "maybe"}, "is_active"),
        ("/api/v1/actors/", {"sector": "nobody"}, "sector"),
    ],
)
def test_an_invalid_catalogue_filter_is_400(api, url, params, field):
    response = api.get(url, params)
    assert response.status_code == 400
    assert field in response.json()
