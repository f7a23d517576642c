"""The neighbourhood photo's pages and API: the photo at a chosen date, keeping it, the kept
photos for the council (suppressed), comparing two, the downloads, deleting by the project lead."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from monitoring.indicators.models import Indicator, IndicatorValue
from monitoring.photos.models import PhotoSnapshot
from siex.accounts.roles import Role
from tests.factories import DistrictFactory, HouseholdFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wijk():
    return DistrictFactory(parent=MunicipalityFactory(), code="WK001401", name="Oosterpoort")


@pytest.fixture
def values(wijk):
    poverty = Indicator.objects.create(
        code="pct_arm",
        label_nl="Huishoudens in armoede",
        label_en="Households in poverty",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
    )
    for period, number in ((2021, "12.5"), (2022, "11.0")):
        IndicatorValue.objects.create(
            indicator=poverty, area=wijk, period=period, value=Decimal(number)
        )
    for _ in range(4):
        HouseholdFactory(area=wijk, participation_start=date(2022, 1, 1))
    return poverty


def test_the_photo_at_a_chosen_date_and_keeping_it(client_for, wijk, values):
    officer = client_for(Role.POLICY_OFFICER)
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    url = reverse("photos:area", args=["WK001401"])
    page = officer.get(url, {"datum": "2022-06-30"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Huishoudens in armoede" in text
    assert "11,0%" in text
    assert "beter" in text  # 12.5 → 11.0, lower is better
    assert "Wijkfoto van Oosterpoort op 30-06-2022" in text
    # The officer sees the small count as it is.
    assert page.context["programme"]["participants"]["active"] == 4
    sheet = officer.get(
        reverse("photos:area-download", args=["WK001401", "xlsx"]), {"datum": "2022-06-30"}
    )
    assert (
        sheet["Content-Disposition"] == 'attachment; filename="wijkfoto-WK001401-2022-06-30.xlsx"'
    )
    earlier = officer.get(url, {"datum": "2021-12-31"})
    assert earlier.context["rows"][0]["period"] == 2021
    response = officer.post(
        reverse("photos:take", args=["WK001401"]), {"datum": "2022-06-30", "title": "Foto 2022"}
    )
    kept = PhotoSnapshot.objects.get()
    assert response["Location"] == reverse("photos:detail", args=[kept.pk])
    assert (kept.title, kept.date, kept.area) == ("Foto 2022", date(2022, 6, 30), wijk)
    # Another area chosen in the form goes to that area's photo.
    other = DistrictFactory(parent=wijk.parent, code="WK001402")
    moved = officer.get(url, {"gebied": other.code, "datum": "2022-06-30"})
    assert moved["Location"] == reverse("photos:area", args=[other.code]) + "?datum=2022-06-30"


def test_the_date_is_typed_the_dutch_way_and_a_wrong_one_is_said_not_ignored(
    client_for, wijk, values
):
    officer = client_for(Role.POLICY_OFFICER)
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    url = reverse("photos:area", args=["WK001401"])
    page = officer.get(url, {"datum": "30-06-2022"}).content.decode()
    assert "Wijkfoto van Oosterpoort op 30-06-2022" in page
    assert 'value="30-06-2022"' in page and 'type="date"' not in page
    assert 'value="Wijkfoto Oosterpoort 2022"' in page  # the year without a thousands dot
    wrong = officer.get(url, {"datum": "31-02-2022"}).content.decode()
    assert 'aria-invalid="true"' in wrong and 'value="31-02-2022"' in wrong
    assert "dag-maand-jaar" in wrong
    download = officer.get(
        reverse("photos:area-download", args=["WK001401", "csv"]), {"datum": "gisteren"}
    )
    assert download.status_code == 400


def test_a_council_member_reads_kept_photos_with_small_counts_hidden(
    client_for, user_for, wijk, values
):
    from monitoring.photos.services import photo_take

    kept = photo_take(
        area=wijk, on_date=date(2022, 6, 30), title="Foto", user=user_for(Role.PROJECT_LEAD)
    )
    council = client_for(Role.COUNCIL_MEMBER)
    home = council.get(reverse("home")).content.decode()
    assert reverse("photos:list") in home
    assert council.get(reverse("photos:area", args=["WK001401"])).status_code == 403
    page = council.get(reverse("photos:detail", args=[kept.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert page.context["programme"]["participants"]["active"] is None
    assert "&lt;10" in page.content.decode()
    assert "Verwijder" not in page.content.decode()
    download = council.get(reverse("photos:download", args=[kept.pk, "csv"]))
    text = download.content.decode("utf-8-sig")
    assert "pct_arm" in text and ";11;" in text
    assert "<10" in text
    lead_csv = client_for(Role.PROJECT_LEAD).get(reverse("photos:download", args=[kept.pk, "csv"]))
    assert "participants_active" in lead_csv.content.decode("utf-8-sig")
    assert "<10" not in lead_csv.content.decode("utf-8-sig")
    xlsx = council.get(reverse("photos:download", args=[kept.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    cells = [
        cell
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert "pct_arm" in cells and 11 in cells and "<10" in cells
    api = council.get(reverse("photo-detail", args=[kept.pk])).json()
    assert api["content"]["programme"]["participants"]["active"] is None
    assert api["content"]["programme"]["suppressed"] is True


def test_two_kept_photos_compared_on_the_page_and_in_the_api(client_for, user_for, wijk, values):
    from monitoring.photos.services import photo_take

    lead = user_for(Role.PROJECT_LEAD)
    first = photo_take(area=wijk, on_date=date(2021, 12, 31), title="2021", user=lead)
    second = photo_take(area=wijk, on_date=date(2022, 12, 31), title="2022", user=lead)
    client = client_for(Role.COUNCIL_MEMBER)
    page = client.get(
        reverse("photos:compare"),
        {"eerste": second.pk, "tweede": first.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert page.context["first"] == first  # the earlier first, whichever order given
    assert row["difference"] == "-1,5" and row["change"] == "better"
    api = client.get(reverse("photo-compare"), {"first": first.pk, "second": second.pk})
    assert api.status_code == 200
    assert api.json()[0]["difference"] == "-1.5"
    other = PhotoSnapshot.objects.create(
        area=DistrictFactory(parent=wijk.parent, code="WK001402"),
        date=date(2022, 1, 1),
        title="x",
        content=first.content,
    )
    refused = client.get(reverse("photo-compare"), {"first": first.pk, "second": other.pk})
    assert refused.status_code == 400


def test_the_api_photo_at_a_date_keeping_and_deleting(client_for, wijk, values):
    officer = client_for(Role.POLICY_OFFICER)
    live = officer.get(reverse("area-photo-detail", args=["WK001401"]), {"date": "2022-06-30"})
    assert live.status_code == 200
    (entry,) = live.json()["indicators"]
    assert entry["latest"]["value"] == "11" and entry["trend_direction"] == "better"
    assert officer.get(reverse("area-photo-detail", args=["XX"])).status_code == 404
    bad = officer.get(reverse("area-photo-detail", args=["WK001401"]), {"date": "gisteren"})
    assert bad.status_code == 400
    made = officer.post(
        reverse("photo-list"),
        {"area": "WK001401", "date": "2022-06-30", "title": "Via API"},
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert officer.get(reverse("photo-list"), {"area": "wk001401"}).json()["results"][0]["id"] == pk
    assert officer.delete(reverse("photo-detail", args=[pk])).status_code == 403
    assert (
        client_for(Role.COUNCIL_MEMBER).delete(reverse("photo-detail", args=[pk])).status_code
        == 403
    )
    assert (
        client_for(Role.PROJECT_LEAD).delete(reverse("photo-detail", args=[pk])).status_code == 204
    )
    assert not PhotoSnapshot.objects.exists()


def test_only_the_project_lead_deletes_on_the_page(client_for, user_for, wijk, values):
    from monitoring.photos.services import photo_take

    kept = photo_take(
        area=wijk, on_date=date(2022, 6, 30), title="Foto", user=user_for(Role.POLICY_OFFICER)
    )
    url = reverse("photos:delete", args=[kept.pk])
    assert client_for(Role.POLICY_OFFICER).post(url).status_code == 403
    lead = client_for(Role.PROJECT_LEAD)
    assert (
        reverse("photos:delete", args=[kept.pk])
        in lead.get(reverse("photos:detail", args=[kept.pk])).content.decode()
    )
    assert lead.post(url)["Location"] == reverse("photos:list")
    assert not PhotoSnapshot.objects.exists()
