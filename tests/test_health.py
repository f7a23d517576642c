"""/health/: healthy only when the database answers and the pages can link their static files."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from siex.accounts.roles import Role
from siex.core import selectors

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    """The production way of serving static files: hashed names from collectstatic's manifest,
    files from STATIC_ROOT (here an empty folder: collectstatic has not run)."""
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = MANIFEST_STORAGE
    return settings.STATIC_ROOT


def test_healthy_when_the_database_answers_and_static_files_are_found():
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_without_collectstatic_the_pages_fail_and_health_says_why(production_static):
    page = Client(raise_request_exception=False).get(reverse("accounts:login"))
    assert page.status_code == 500  # what gunicorn answered on every page

    response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "collectstatic" in response.json()["reason"]
    assert "css/siex.css" in response.json()["reason"]


def test_after_collectstatic_the_pages_and_health_answer(production_static, settings):
    call_command("collectstatic", "--noinput", verbosity=0, stdout=io.StringIO())
    assert Client().get(reverse("accounts:login")).status_code == 200
    response = Client().get(reverse("health"))
    assert response.status_code == 200, response.content

    # A collected file that disappeared from STATIC_ROOT is reported too.
    stored = selectors.staticfiles_storage.stored_name("css/siex.css")
    (production_static / stored).unlink()
    response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert str(production_static) in response.json()["reason"]


def test_the_reason_is_in_dutch_by_default(production_static, settings):
    settings.LANGUAGE_CODE = "nl"
    reason = Client().get(reverse("health")).json()["reason"]
    assert "collectstatic" in reason
    assert "niet" in reason  # "... staat niet bij de verzamelde statische bestanden ..."


def test_a_database_that_does_not_answer_is_unhealthy_without_its_error(monkeypatch):
    def refuse(self):
        raise OperationalError("connection to server at 10.0.0.5 failed: secret detail")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "the database does not answer",
    }


def test_the_checked_files_are_those_every_page_links_to():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    for name in selectors.PAGE_STATIC_FILES:
        assert f"{{% static '{name}' %}}" in base


def test_the_status_page_shows_the_static_files_check(client_for):
    response = client_for(Role.ADMINISTRATOR).get(reverse("core:status"))
    assert response.status_code == 200
    assert "static files" in response.content.decode()


def _refuse(self, *args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_with_the_database_down_pages_answer_try_again_not_a_server_error(client_for, monkeypatch):
    lead = client_for(Role.PROJECT_LEAD)
    lead.raise_request_exception = False
    with monkeypatch.context() as down:
        # Every query fails as with a database that restarts or cannot be reached.
        down.setattr(BaseDatabaseWrapper, "ensure_connection", _refuse)
        page = lead.get(reverse("home"))
        api = lead.get("/api/v1/households/")
    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert "Probeer het over een minuut opnieuw" in page.content.decode()
    assert "connection to server" not in page.content.decode()  # never the database's error
    assert api.status_code == 503 and int(api["Retry-After"]) > 0
    assert api.json()["code"] == "service_unavailable"


def test_any_other_server_error_is_still_the_500_page(client_for, monkeypatch):
    from siex.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    lead = client_for(Role.PROJECT_LEAD)
    lead.raise_request_exception = False
    page = lead.get(reverse("home"))
    assert page.status_code == 500
    assert "Er ging iets mis" in page.content.decode()
