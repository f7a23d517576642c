"""Sign-in, sign-out, the user's own password, and the administrator's user administration:
accounts, their roles and status, one-time passwords. The rules are in ``rules.py`` and enforced
by the services; these views show what the signed-in administrator may do and call them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from siex.core.forms import apply_errors

from . import selectors, services
from .forms import AccountCreateForm, AccountEditForm, LoginForm, PasswordChangeForm
from .middleware import ONE_TIME_SESSION_KEY, SESSION_ENDED_SESSION_KEY
from .roles import Role
from .rules import account_refusal, grantable_roles

MANAGE = "accounts.manage_users"
User = get_user_model()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # A session that ended for lack of use (or age) says so once, on this page.
        ended = self.request.session.pop(SESSION_ENDED_SESSION_KEY, False)
        return super().get_context_data(session_ended=ended, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Sign-out takes a POST only (Django 5), so a link or an image cannot sign anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password; after a one-time password, the first page they see."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    permission_required = "siex.view_start"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["one_time"] = bool(self.request.session.get(ONE_TIME_SESSION_KEY))
        return context

    def form_valid(self, form):
        services.user_password_set(
            actor=self.request.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
            one_time=False,
        )
        update_session_auth_hash(self.request, form.user)
        self.request.session.pop(ONE_TIME_SESSION_KEY, None)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    permission_required = "siex.view_start"


# --- Forgotten password: a link by mail -----------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link to choose a new password, by e-mail address. The answer is the same whether
    an account has that address or not."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the mail: choose a new password (valid once, for PASSWORD_RESET_TIMEOUT).
    The second sign-in step stays: the new password alone does not sign in."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.user_password_reset_by_mail(
            user=form.user, password=form.cleaned_data["new_password1"]
        )
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- User administration --------------------------------------------------------------------------


def _roles_text(user) -> str:
    return ", ".join(str(role.label) for role in selectors.user_roles(user))


class UserListView(TemplateView):
    """Gebruikers: every account with its roles, status and last sign-in."""

    template_name = "accounts/user_list.html"
    permission_required = MANAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor = self.request.user
        context["accounts"] = [
            {"user": user, "roles": _roles_text(user), "is_self": user.pk == actor.pk}
            for user in selectors.account_list()
        ]
        return context


@method_decorator(never_cache, name="dispatch")
class UserCreateView(FormView):
    """A new account; the answer shows its one-time password once (never stored in plain text,
    never put in a message or a URL, and the page is not cached)."""

    template_name = "accounts/user_form.html"
    form_class = AccountCreateForm
    permission_required = MANAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": grantable_roles(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_grant_administrator=Role.ADMINISTRATOR in grantable_roles(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user, password = services.user_create(
                actor=self.request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
            )
        except services.AccountRefused as refused:
            return _refused(self.request, str(refused))
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        return _one_time_password_page(self.request, user, password, created=True)


class AccountMixin:
    """The account in the URL and whether the signed-in user may change it. A page that changes
    the account (every POST, and every GET of ``changes_account`` pages) is refused with the
    reason to whoever may not change it."""

    permission_required = MANAGE
    changes_account = False

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(User.objects.prefetch_related("groups"), pk=kwargs["pk"])
        self.refusal = account_refusal(request.user, self.account)
        if self.refusal and (self.changes_account or request.method not in ("GET", "HEAD")):
            return _refused(request, self.refusal, account=self.account)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.account,
            account_roles=_roles_text(self.account),
            refusal=self.refusal,
            history_url=_history_url(self.account),
            can_grant_administrator=Role.ADMINISTRATOR in grantable_roles(self.request.user),
            **kwargs,
        )


class UserDetailView(AccountMixin, FormView):
    """An account: its details, and for an account the administrator may change, the form for
    name, e-mail and roles and the buttons for a new password and (de)activation."""

    template_name = "accounts/user_detail.html"
    form_class = AccountEditForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["roles"] = grantable_roles(self.request.user)
        kwargs["initial"] = {
            "first_name": self.account.first_name,
            "last_name": self.account.last_name,
            "email": self.account.email,
            "roles": [role.value for role in selectors.user_roles(self.account)],
            "state": selectors.account_state(self.account),
        }
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.user_update(
                actor=self.request.user,
                user=self.account,
                expected_state=data["state"],
                roles=data["roles"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except services.AccountConflictError as conflict:
            return self.conflict(form, conflict.current)
        except services.AccountRefused as refused:
            return _refused(self.request, str(refused), account=self.account)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The account %(username)s is saved.") % {"username": self.account.get_username()},
        )
        return redirect("accounts:user", pk=self.account.pk)

    def conflict(self, form, current):
        """What is stored now beside what the administrator entered; saving again puts their
        input on top, now that they have seen the other change."""
        entered_roles = set(form.cleaned_data["roles"])
        rows = [
            (_("First name"), current.first_name, form.cleaned_data["first_name"]),
            (_("Last name"), current.last_name, form.cleaned_data["last_name"]),
            (_("E-mail address"), current.email, form.cleaned_data["email"]),
            (
                _("Roles"),
                _roles_text(current),
                ", ".join(str(role.label) for role in Role if role in entered_roles),
            ),
        ]
        data = form.data.copy()
        data["state"] = selectors.account_state(current)
        form = self.get_form_class()(data=data, roles=grantable_roles(self.request.user))
        form.is_valid()
        self.account = current
        return self.render_to_response(
            self.get_context_data(
                form=form,
                conflict=True,
                differences=[
                    {"label": label, "stored": stored, "entered": entered}
                    for label, stored, entered in rows
                    if stored != entered
                ],
            )
        )


@method_decorator(never_cache, name="dispatch")
class UserPasswordResetView(AccountMixin, TemplateView):
    """A new one-time password for the account (the old password stops working)."""

    template_name = "accounts/user_confirm.html"
    changes_account = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(action="password", **kwargs)

    def post(self, request, *args, **kwargs):
        password = services.user_password_reset(actor=request.user, user=self.account)
        return _one_time_password_page(request, self.account, password, created=False)


class UserActiveView(AccountMixin, TemplateView):
    """Deactivate (``active = False``) or activate an account, after confirmation. Accounts are
    never deleted: the change history and the access log refer to them."""

    template_name = "accounts/user_confirm.html"
    changes_account = True
    active = False

    def get_context_data(self, **kwargs):
        action = "activate" if self.active else "deactivate"
        return super().get_context_data(action=action, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.active:
            services.user_activate(actor=request.user, user=self.account)
            message = _("The account %(username)s is active again.")
        else:
            services.user_deactivate(actor=request.user, user=self.account)
            message = _("The account %(username)s is deactivated: it can no longer sign in.")
        messages.success(request, message % {"username": self.account.get_username()})
        return redirect("accounts:user", pk=self.account.pk)


def _one_time_password_page(request, user, password: str, *, created: bool):
    return render(
        request,
        "accounts/one_time_password.html",
        {
            "account": user,
            "account_roles": _roles_text(user),
            "password": password,
            "created": created,
            "valid_days": services.ONE_TIME_PASSWORD_VALIDITY.days,
        },
    )


def _refused(request, reason: str, *, account=None):
    """403 with the reason: what the administrator may not do to this account, and why."""
    return render(
        request, "accounts/refused.html", {"reason": reason, "account": account}, status=403
    )


def _history_url(user) -> str:
    return f"{reverse('audit:changes')}?{urlencode({'model': 'auth.user', 'record': user.pk})}"
