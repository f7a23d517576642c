"""Every JSON body of the API is read one way: what the reader cannot take is a 400, never a 500
or a number that is not one."""

import pytest

from tests.access_matrix import PO


@pytest.mark.parametrize(
    "body,words",
    [
        ('{"notes": "x", "actual_cost": 1e999}', "too large"),
        ('{"actual_cost": NaN}', "NaN"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
        ('{"actual_cost": ' + "9" * 5_000 + "}", "digits"),
    ],
)
def test_a_body_the_reader_cannot_take_is_a_400_on_every_endpoint(clients, world, body, words):
    client = clients[PO]
    client.cookies["django_language"] = "en"
    response = client.patch(
        f"/api/v1/interventions/{world.intervention.pk}/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert words in response.json()["detail"]
