"""Two-factor sign-in: the second step after the password (a code from an authenticator app, or
a recovery code, each recovery code once), and the pages of django-two-factor-auth to set up an
app, make recovery codes and switch the second step off (not for the roles that require it).
Which users must have it, and what a session still has to do: ``selectors.two_factor_step``;
the middleware holds a session back until it is done."""

from __future__ import annotations

import django_otp
from django import forms
from django.contrib.auth.views import RedirectURLMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from two_factor import views as two_factor_views
from two_factor.utils import get_otpauth_url

from siex.core.text import validate_no_control_characters

from .selectors import two_factor_required

ISSUER = "SIEX"
# What every signed-in user with a role may open: the second step is for everyone.
PERMISSION = "siex.view_start"


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The six digits your authenticator app shows for SIEX, or one of your recovery codes."
        ),
        validators=[validate_no_control_characters],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        # Each device counts its failures and refuses for a growing while after them.
        self.device = django_otp.match_token(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                _(
                    "This code is not valid. Enter the code your app shows now, or a recovery code "
                    "you have not used before."
                ),
                code="invalid",
            )
        return code


@method_decorator(never_cache, name="dispatch")
class TwoFactorVerifyView(RedirectURLMixin, FormView):
    """The second step of the sign-in: a code from the app or a recovery code (used up)."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm
    permission_required = PERMISSION
    next_page = "home"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)

    def form_valid(self, form):
        django_otp.login(self.request, form.device)
        return HttpResponseRedirect(self.get_success_url())


class SetupView(two_factor_views.SetupView):
    """Set up an authenticator app: scan the QR code (made here, as SVG) or type the key, then
    enter a code to confirm."""

    template_name = "two_factor/core/setup.html"
    permission_required = PERMISSION

    def get_success_url(self):
        # Always the page that offers recovery codes, whatever page sent the user here.
        return reverse(self.success_url)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if "secret_key" in context:
            context["otpauth_url"] = get_otpauth_url(
                self.request.user.get_username(), context["secret_key"], ISSUER
            )
            context["issuer"] = ISSUER
        return context


class QRGeneratorView(two_factor_views.QRGeneratorView):
    """The QR code of the key being set up (SVG, made here); outside the setup, the setup."""

    permission_required = PERMISSION

    def get(self, request, *args, **kwargs):
        if self.session_key_name not in request.session:
            return redirect("two_factor:setup")
        return super().get(request, *args, **kwargs)

    def get_issuer(self):
        return ISSUER


class VerifiedOnlyMixin:
    """Pages for a session that passed the second step; another is sent to the overview (and
    not, as django-two-factor-auth does, to the sign-in page)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)


class SetupCompleteView(VerifiedOnlyMixin, two_factor_views.SetupCompleteView):
    permission_required = PERMISSION


class BackupTokensView(VerifiedOnlyMixin, two_factor_views.BackupTokensView):
    """Recovery codes: ten new ones replace the old; each signs in once."""

    permission_required = PERMISSION


class ProfileView(two_factor_views.ProfileView):
    permission_required = PERMISSION

    def get_context_data(self, **kwargs):
        return super().get_context_data(required=two_factor_required(self.request.user), **kwargs)


class DisableView(two_factor_views.DisableView):
    """Switch the second step off; refused to whom it is required."""

    permission_required = PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if two_factor_required(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
