"""Steps shared by the tests of the register's pages: the list's address, a household's form as
its page sends it, adding an intervention, the text of a page."""

from django.urls import reverse

from interventions.register.models import Household

LIST = reverse("register:households")


def household_form(household: Household, **changes) -> dict:
    data = {
        "area": household.area_id,
        "adults": household.adults,
        "children": household.children,
        "income_pct_social_minimum": "100",
        "income_source": household.income_source,
        "debt_situation": household.debt_situation,
        "participation_start": household.participation_start.isoformat(),
        "participation_end": "",
        "legal_basis": household.legal_basis,
        "version": household.version,
    }
    data.update(changes)
    return data


def shown(response) -> str:
    return response.content.decode()


def add(officer, household, **data):
    return officer.post(reverse("register:intervention-new", kwargs={"pk": household.pk}), data)
