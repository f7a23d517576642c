"""The administrator's pages of the teams of policy officers: which wijken a team works in (or
municipality-wide) and who its members are. A policy officer sees the households of their teams'
wijken only (``scopes``); an officer in no team sees none."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from monitoring.models import Area
from monitoring.selectors import current_districts
from siex.accounts.extensions import AccountField
from siex.accounts.roles import Role
from siex.core.forms import apply_errors
from siex.core.text import validate_no_control_characters

from . import services
from .models import Team
from .scopes import MANAGE_TEAMS


class _UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{obj.get_username()} ({name})" if name else obj.get_username()


class TeamForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, validators=[validate_no_control_characters]
    )
    municipality_wide = forms.BooleanField(
        label=gettext_lazy("Municipality-wide"),
        required=False,
        help_text=gettext_lazy(
            "Its members see and change the households of every district, also of districts a "
            "new division adds."
        ),
    )
    areas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Districts"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Its members see and change the households of these districts."),
    )
    members = _UserChoiceField(
        label=gettext_lazy("Members"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Policy officers. An officer in no team sees no household until you add them to one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = current_districts()
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(groups__name=Role.POLICY_OFFICER.value, is_active=True)
            .order_by("username")
        )


class TeamListView(TemplateView):
    template_name = "interventions/teams/team_list.html"
    permission_required = MANAGE_TEAMS

    def get_context_data(self, **kwargs):
        teams = Team.objects.prefetch_related("areas", "members").order_by("name")
        officers = get_user_model().objects.filter(
            groups__name=Role.POLICY_OFFICER.value, is_active=True
        )
        return super().get_context_data(
            teams=teams,
            without_team=officers.filter(teams__isnull=True).order_by("username"),
            **kwargs,
        )


class TeamFormView(FormView):
    template_name = "interventions/teams/team_form.html"
    form_class = TeamForm
    permission_required = MANAGE_TEAMS

    def dispatch(self, request, *args, **kwargs):
        self.team = get_object_or_404(Team, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.team is None:
            return {}
        return {
            "name": self.team.name,
            "municipality_wide": self.team.municipality_wide,
            "areas": list(self.team.areas.all()),
            "members": list(self.team.members.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form):
        try:
            team = services.team_save(team=self.team, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Team %(name)s is saved.") % {"name": team.name})
        return redirect(reverse("register:teams"))


def team_choice_field() -> forms.ModelMultipleChoiceField:
    """The teams on the administrator's account form (``siex.accounts.extensions``)."""
    return forms.ModelMultipleChoiceField(
        label=gettext_lazy("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "For a policy officer: they see and change the households of these teams' districts. "
            "In no team they see no household."
        ),
    )


def account_teams_field() -> AccountField:
    return AccountField(
        name="teams",
        field=team_choice_field,
        initial=lambda user: list(user.teams.all()),
        save=services.user_teams_set,
    )
