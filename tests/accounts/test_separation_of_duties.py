"""Separation of duties: nobody changes their own roles or status, an administrator never acts on
an account with more rights than their own (a superuser, staff, another administrator) nor gives
more than the page offers — in the admin, on SIEX's user pages and in the services alike.

The attacks of issue 9 are tested as they were made: an administrator sets the password of a
superuser and signs in as it; an administrator gives themselves the policy-officer role and then
reads households.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from siex.accounts import services
from siex.accounts.models import OneTimePassword
from siex.accounts.roles import Role
from siex.accounts.rules import account_refusal, grantable_roles
from siex.accounts.selectors import account_state, user_roles

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


def roles_of(user) -> set[Role]:
    return set(user_roles(User.objects.get(pk=user.pk)))


# --- The attacks ----------------------------------------------------------------------------------


def test_an_administrator_cannot_set_a_superusers_password_in_the_admin(admin_client, superuser):
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url, {"password1": "taken-over-123456", "password2": "taken-over-123456"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("x" * 16)
    assert not superuser.check_password("taken-over-123456")


def test_an_administrator_cannot_set_a_superusers_password_on_the_user_pages(
    admin_client, superuser
):
    url = reverse("accounts:user-password", args=[superuser.pk])
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(url)
    assert response.status_code == 403
    assert "only a superuser can change it" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.check_password("x" * 16)
    assert not OneTimePassword.objects.filter(user=superuser).exists()


def test_an_administrator_cannot_give_themselves_the_policy_officer_role_in_the_admin(
    admin_client, administrator
):
    officers = Group.objects.get(name=Role.POLICY_OFFICER.value)
    url = reverse("admin:auth_user_change", args=[administrator.pk])
    response = admin_client.post(
        url,
        {
            "username": administrator.username,
            "is_active": "on",
            "groups": [officers.pk, Group.objects.get(name=Role.ADMINISTRATOR.value).pk],
        },
    )
    assert response.status_code == 403
    assert roles_of(administrator) == {Role.ADMINISTRATOR}


def test_an_administrator_cannot_give_themselves_the_policy_officer_role_on_the_user_pages(
    admin_client, administrator
):
    response = admin_client.post(
        reverse("accounts:user", args=[administrator.pk]),
        {
            "roles": [Role.POLICY_OFFICER.value, Role.ADMINISTRATOR.value],
            "state": account_state(administrator),
        },
    )
    assert response.status_code == 403
    assert "Nobody changes their own roles" in response.content.decode()
    assert roles_of(administrator) == {Role.ADMINISTRATOR}
    # ... nor through the services.
    with pytest.raises(services.AccountRefused):
        services.user_roles_set(
            actor=administrator, user=administrator, roles=[Role.POLICY_OFFICER]
        )
    assert roles_of(administrator) == {Role.ADMINISTRATOR}


def test_so_the_administrator_still_reads_no_household(admin_client, administrator):
    admin_client.post(
        reverse("accounts:user", args=[administrator.pk]),
        {"roles": [Role.POLICY_OFFICER.value], "state": account_state(administrator)},
    )
    for url in (
        reverse("register:households"),
        reverse("imports:export"),
        "/api/v1/households/",
        "/api/v1/interventions/",
    ):
        assert admin_client.get(url).status_code == 403, url


def test_an_administrator_cannot_issue_themselves_a_sock_puppet_administrator(
    admin_client,
):
    """The page offers no administrator role to an administrator; a forged form is refused."""
    page = admin_client.get(reverse("accounts:user-new"))
    assert f'value="{Role.ADMINISTRATOR.value}"' not in page.content.decode()
    response = admin_client.post(
        reverse("accounts:user-new"),
        {"username": "tweede-beheerder", "roles": [Role.ADMINISTRATOR.value]},
    )
    assert not User.objects.filter(username="tweede-beheerder").exists()
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "Select a valid choice" in response.content.decode()


def test_staff_and_superuser_status_are_never_given_on_the_user_pages(admin_client, council_member):
    admin_client.post(
        reverse("accounts:user-new"),
        {"username": "nieuw", "is_superuser": "on", "is_staff": "on", "roles": []},
    )
    created = User.objects.get(username="nieuw")
    assert not created.is_superuser and not created.is_staff
    admin_client.post(
        reverse("accounts:user", args=[council_member.pk]),
        {
            "roles": [Role.COUNCIL_MEMBER.value],
            "state": account_state(council_member),
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    council_member.refresh_from_db()
    assert not council_member.is_superuser and not council_member.is_staff


# --- Whose account: the rules ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["user-password", "user-deactivate"])
def test_an_administrator_does_not_act_on_another_administrator(
    admin_client, other_administrator, page
):
    url = reverse(f"accounts:{page}", args=[other_administrator.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url).status_code == 403
    other_administrator.refresh_from_db()
    assert other_administrator.is_active
    assert other_administrator.check_password(PASSWORD)


def test_an_administrator_does_not_edit_another_administrator_or_a_staff_account(
    admin_client, other_administrator, account_with
):
    staff = account_with(username="staff", is_staff=True)
    for account in (other_administrator, staff):
        page = admin_client.get(reverse("accounts:user", args=[account.pk]))
        assert page.status_code == 200  # read only, with the reason
        assert "only a superuser can change it" in page.content.decode()
        assert b'name="state"' not in page.content
        response = admin_client.post(
            reverse("accounts:user", args=[account.pk]),
            {"roles": [Role.POLICY_OFFICER.value], "state": account_state(account)},
        )
        assert response.status_code == 403
        assert Role.POLICY_OFFICER not in roles_of(account)


@pytest.mark.parametrize("page", ["user-password", "user-deactivate"])
def test_nobody_acts_on_their_own_account_not_even_a_superuser(
    admin_client, administrator, superuser_client, superuser, page
):
    for client, account in ((admin_client, administrator), (superuser_client, superuser)):
        assert client.post(reverse(f"accounts:{page}", args=[account.pk])).status_code == 403
        account.refresh_from_db()
        assert account.is_active
    with pytest.raises(services.AccountRefused):
        services.user_deactivate(actor=superuser, user=superuser)
    with pytest.raises(services.AccountRefused):
        services.user_password_reset(actor=superuser, user=superuser)


def test_a_superuser_acts_on_administrators_and_gives_the_administrator_role(
    superuser_client, superuser, other_administrator, council_member
):
    response = superuser_client.post(
        reverse("accounts:user", args=[council_member.pk]),
        {
            "roles": [Role.ADMINISTRATOR.value, Role.COUNCIL_MEMBER.value],
            "state": account_state(council_member),
        },
    )
    assert response.status_code == 302
    assert roles_of(council_member) == {Role.ADMINISTRATOR, Role.COUNCIL_MEMBER}
    superuser_client.post(reverse("accounts:user-deactivate", args=[other_administrator.pk]))
    other_administrator.refresh_from_db()
    assert not other_administrator.is_active


def test_the_rules_in_one_table(administrator, superuser, other_administrator, council_member):
    officer_only = User.objects.create_user("officer-only", password=PASSWORD)
    assert account_refusal(administrator, council_member) is None
    assert account_refusal(administrator, officer_only) is None
    assert account_refusal(administrator, administrator)
    assert account_refusal(administrator, other_administrator)
    assert account_refusal(administrator, superuser)
    assert account_refusal(superuser, other_administrator) is None
    assert account_refusal(superuser, superuser)
    assert account_refusal(council_member, officer_only)  # not an administrator at all
    assert grantable_roles(administrator) == [
        Role.POLICY_OFFICER,
        Role.COUNCIL_MEMBER,
        Role.PROJECT_LEAD,
    ]
    assert grantable_roles(superuser) == list(Role)
    assert grantable_roles(council_member) == []
    administrator.is_active = False
    assert grantable_roles(administrator) == []
    assert account_refusal(administrator, council_member)


def test_the_services_refuse_a_role_beyond_the_actors_and_a_non_administrator(
    administrator, council_member
):
    with pytest.raises(services.AccountRefused):
        services.user_roles_set(
            actor=administrator, user=council_member, roles=[Role.ADMINISTRATOR]
        )
    with pytest.raises(services.AccountRefused):
        services.user_create(actor=council_member, username="x", roles=[])
    with pytest.raises(services.AccountRefused):
        services.user_deactivate(actor=council_member, user=administrator)
    assert roles_of(council_member) == {Role.COUNCIL_MEMBER}
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    "url_name",
    ["accounts:users", "accounts:user-new"],
)
@pytest.mark.parametrize(
    "role", [Role.POLICY_OFFICER, Role.COUNCIL_MEMBER, Role.PROJECT_LEAD, None], ids=str
)
def test_only_the_administrator_reaches_the_user_pages(client_for, url_name, role):
    assert client_for(role).get(reverse(url_name)).status_code == 403


def test_a_superuser_does_not_change_their_own_roles_or_status_in_the_admin(
    superuser_client, superuser
):
    officers = Group.objects.get(name=Role.POLICY_OFFICER.value)
    url = reverse("admin:auth_user_change", args=[superuser.pk])
    page = superuser_client.get(url).content.decode()
    assert 'name="groups"' not in page and 'name="is_superuser"' not in page
    response = superuser_client.post(
        url,
        {
            "username": superuser.username,
            "groups": [officers.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert roles_of(superuser) == set()
    assert superuser.is_active and superuser.is_staff and superuser.is_superuser
