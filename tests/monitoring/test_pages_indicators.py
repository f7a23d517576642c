"""The neighbourhood photo pages: indicators with their versions, the values of an area by
period in Dutch, a withheld value shown as secret."""

import pytest
from django.urls import reverse

from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_policy_officer_sees_the_indicators_and_the_values_of_an_area(client_for, cbs_values):
    client = client_for(Role.POLICY_OFFICER)
    page = client.get(reverse("indicators:index"), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Huishoudens tot 120% van het sociaal minimum" in text
    assert reverse("indicators:area", args=["WK001400"]) in text
    assert "Coronapandemie" in text
    area = client.get(reverse("indicators:area", args=["GM0014"]))
    assert area.status_code == 200
    text = area.content.decode()
    assert '<th scope="col" class="num">2023</th>' in text
    assert "10,1%" in text  # households at or below the social minimum, 2023
    assert "Herindeling" in text
    wijk = client.get(reverse("indicators:area", args=["WK001413"])).content.decode()
    assert "geheim" in wijk or "secret" in wijk


def test_the_navigation_shows_the_neighbourhood_photo_to_the_roles_that_may_see_it(
    client_for, groningen_areas
):
    url = reverse("indicators:index")
    assert url in client_for(Role.PROJECT_LEAD).get(reverse("home")).content.decode()
    # (The kept photos under /wijkfoto/fotos/ are the council's too.)
    assert (
        f'href="{url}"' not in client_for(Role.COUNCIL_MEMBER).get(reverse("home")).content.decode()
    )
    assert client_for(Role.COUNCIL_MEMBER).get(url).status_code == 403
    assert (
        client_for(Role.PROJECT_LEAD).get(reverse("indicators:area", args=["XX"])).status_code
        == 404
    )
