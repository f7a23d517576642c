"""Forms of the sign-in and of the administrator's user pages. The rules they offer (which roles,
whose account) come from ``rules.py``; the services enforce them again."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from siex.core.text import validate_no_control_characters

from . import selectors
from .extensions import account_fields
from .roles import Role
from .services import one_time_password_expired


class LoginForm(auth_forms.AuthenticationForm):
    """Django's sign-in, refusing a one-time password that was not used in time."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "one_time_expired": _(
            "The one-time password for this account has expired. Ask the administrator for a "
            "new one."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        one_time = selectors.one_time_password(user)
        if one_time is not None and one_time_password_expired(one_time):
            raise ValidationError(self.error_messages["one_time_expired"], code="one_time_expired")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, which also refuses the current password as the new one: after a
    one-time password the administrator knows, the user's own must be a different one."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise ValidationError(
                _("Choose a password that differs from your current one."), code="unchanged"
            )
        return password


class RolesField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, roles: list[Role], **kwargs):
        super().__init__(
            choices=[(role.value, role.label) for role in roles],
            coerce=Role,
            required=False,
            label=_("Roles"),
            help_text=_(
                "What the account may do. A council member sees aggregates only; a policy officer "
                "and a project lead see household records."
            ),
            **kwargs,
        )


class AccountDetailsForm(forms.Form):
    """Name, e-mail and roles of an account; ``roles`` offers what the administrator may give."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        validators=[validate_no_control_characters],
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        validators=[validate_no_control_characters],
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = RolesField(roles=roles)
        # What higher layers add, such as a policy officer's teams (``extensions``).
        for extra in account_fields():
            self.fields[extra.name] = extra.field()


class AccountCreateForm(AccountDetailsForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_(
            "Letters, digits and @ . + - _ only; it cannot be changed later. SIEX creates a "
            "one-time password: the user chooses their own at the first sign-in."
        ),
        validators=[validate_no_control_characters],
    )
    field_order = ["username", "first_name", "last_name", "email", "roles"]


class AccountEditForm(AccountDetailsForm):
    """``state`` is the account as it was read (optimistic locking, ``selectors.account_state``)."""

    state = forms.CharField(widget=forms.HiddenInput)
