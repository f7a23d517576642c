"""Jobs that never stay stuck: a broker that is down or hangs (503, nothing left queued)."""

import socket
import threading
import time

import pytest
from django.conf import settings
from django.urls import reverse

from calculation import services
from calculation.models import RunStatus
from siex.accounts.roles import Role
from tests.worker import sending_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(scenario_version):
    return scenario_version


# --- a broker that is down or hangs ------------------------------------------------------------


@pytest.fixture
def silent_broker():
    """A server that accepts connections and never answers: a Redis that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.mark.parametrize("broker", ["closed", "silent"])
def test_a_broker_that_is_down_fails_the_run_within_seconds(
    broker, version, silent_broker, django_capture_on_commit_callbacks
):
    url = "redis://127.0.0.1:1/0" if broker == "closed" else silent_broker
    started = time.monotonic()
    with (
        sending_to(url),
        pytest.raises(services.CalculationServiceUnavailable),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.run_start(version=version)
    waited = time.monotonic() - started
    assert waited < 4 * settings.SIEX_REDIS_TIMEOUT, waited
    run = version.runs.get()
    assert run.status == RunStatus.FAILED and not run.is_active
    assert "calculation service could not be reached" in run.error


@pytest.mark.django_db(transaction=True)  # jobs are sent as the view commits
def test_the_api_answers_503_when_the_broker_is_down(client_for, version):
    lead = client_for(Role.PROJECT_LEAD)
    with sending_to("redis://127.0.0.1:1/0"):
        response = lead.post(f"/api/v1/scenario-versions/{version.pk}/runs/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "detail": "The calculation service cannot be reached; nothing was started. "
        "Try again in a few minutes.",
        "code": "calculation_service_unavailable",
    }
    assert not version.runs.filter(status__in=["queued", "running"]).exists()


@pytest.mark.django_db(transaction=True)  # jobs are sent as the view commits
def test_the_page_answers_503_in_dutch_when_the_broker_is_down(client_for, version, settings):
    settings.LANGUAGE_CODE = "nl"
    lead = client_for(Role.PROJECT_LEAD)
    url = reverse("calculation:version-run", kwargs={"pk": version.pk})
    with sending_to("redis://127.0.0.1:1/0"):
        response = lead.post(url)
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>De rekendienst is niet bereikbaar</h1>" in page
    assert (
        "De rekendienst is niet bereikbaar; er is niets gestart. "
        "Probeer het over een paar minuten opnieuw."
    ) in page
    assert "Er is niets opgeslagen" not in page
    assert reverse("calculation:version", kwargs={"pk": version.pk}) in page
    # The version page tells why the last calculation did not run.
    detail = lead.get(reverse("calculation:version", kwargs={"pk": version.pk}))
    assert "De rekendienst was niet bereikbaar" in detail.content.decode()
