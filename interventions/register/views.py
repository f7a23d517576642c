"""Pages of the household register: the list, a household with its interventions, the forms.

Views stay thin: forms parse, ``services`` validate and write, ``selectors`` read. Every read of
household data goes to the access log.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from interventions.catalogue.models import InterventionType
from siex.audit.masks import SEARCH_REFUSED
from siex.audit.services import log_access
from siex.core.forms import apply_errors, format_number
from siex.core.templatetags.siex import short_date
from siex.core.versioning import ConflictError

from . import selectors, services
from .extensions import household_frozen, household_sections
from .forms import (
    HouseholdCreateForm,
    HouseholdForm,
    InterventionCreateForm,
    InterventionEndForm,
    InterventionForm,
    RegisterFilterForm,
)
from .models import Household, Intervention, InterventionStatus
from .scopes import areas_in_scope, households_visible_to, interventions_visible_to

VIEW = "interventions.view_household_data"
CHANGE = "interventions.change_household_data"
HOUSEHOLD_MODEL = "interventions.household"
INTERVENTION_MODEL = "interventions.intervention"
PAGE_SIZE = 50


def household_url(household: Household) -> str:
    return reverse("register:household", kwargs={"pk": household.pk})


class RegisterView(TemplateView):
    """Huishoudens: search, filter, sort and page through the register.

    The search form is sent by POST, so that what an officer types — possibly the municipality's
    own reference — reaches no address, browser history or web server log. The answer is the list
    at an address that carries only the filters and, for the search, the pseudonym of the
    household found or the start of a pseudonym or wijk name typed (``register_search_text``); a
    text it may not carry is answered at once, without a new address. Filters, paging and sorting
    in the address work with GET, with or without JavaScript.
    """

    template_name = "interventions/register.html"
    permission_required = VIEW

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "register-results":
            return ["interventions/register.html#results"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        return self.render_list(RegisterFilterForm(request.GET or None))

    def post(self, request, *args, **kwargs):
        form = RegisterFilterForm(request.POST)
        text = (
            selectors.register_search_text(
                form.cleaned_data["q"], visible=households_visible_to(request.user)
            )
            if form.is_valid()
            else None
        )
        if text is None:
            # Refused, or a text that matches nothing and may not be in an address: answered
            # here, and the address stays as it is.
            response = self.render_list(form, text_in_address=False)
            response["HX-Push-Url"] = "false"
            return response
        url = f"{reverse('register:households')}?{form.address_query(text)}".rstrip("?")
        if not request.htmx:
            # Post/Redirect/Get: the browser asks for the list with GET; reloading it sends
            # nothing again.
            return redirect(url)
        response = self.render_list(RegisterFilterForm(QueryDict(form.address_query(text))))
        response["HX-Push-Url"] = url
        return response

    def render_list(self, form: RegisterFilterForm, *, text_in_address: bool = True):
        return self.render_to_response(
            self.get_context_data(form=form, text_in_address=text_in_address)
        )

    def get_context_data(self, *, form, text_in_address=True, **kwargs):
        context = super().get_context_data(**kwargs)
        if form.search_refused():
            # Nothing is searched; the log records that a search was refused, not what was typed.
            page = selectors.RegisterPage.empty(size=PAGE_SIZE)
            query = selectors.RegisterQuery()
            log_access(
                self.request,
                action="search",
                model=HOUSEHOLD_MODEL,
                query={"text": SEARCH_REFUSED},
                result_count=0,
            )
        else:
            query = form.query()
            page = selectors.register_page(
                query,
                visible=households_visible_to(self.request.user),
                number=form.page_number(),
                size=PAGE_SIZE,
            )
            log_access(
                self.request,
                action="search" if query.is_search() else "list",
                model=HOUSEHOLD_MODEL,
                object_ids=[household.pk for household in page.households],
                query=query.for_log(text_shown=text_in_address),
                result_count=page.count,
            )
        context.update(
            form=form,
            filters=form.filters(),
            page=page,
            query=query,
            search_refused=form.search_refused(),
            # Paging and sorting keep the search, unless it may not be in an address.
            base_query=(
                form.address_query(query.text if text_in_address else "")
                if form.is_bound and form.is_valid()
                else ""
            ),
            can_change=self.request.user.has_perm(CHANGE),
        )
        return context


class HouseholdMixin(SingleObjectMixin):
    model = Household

    def get_queryset(self):
        # A household outside the user's scope answers 404, as one that does not exist.
        return households_visible_to(self.request.user).select_related("area", "created_by")


class HouseholdDetailView(HouseholdMixin, TemplateView):
    """A household: its interventions over time, cost so far, expected return, change history."""

    template_name = "interventions/household_detail.html"
    permission_required = VIEW

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.household_overview(self.object)
        log_access(
            self.request,
            action="view",
            model=HOUSEHOLD_MODEL,
            object_ids=[self.object.pk],
        )
        frozen = household_frozen(self.object)
        context.update(
            household=self.object,
            overview=overview,
            timeline=selectors.intervention_timeline(overview.interventions),
            history=selectors.household_history(self.object, overview.interventions),
            can_change=self.request.user.has_perm(CHANGE) and frozen is None,
            frozen=frozen,
            sections=household_sections(self.request, self.object),
        )
        return context


def _wijken_in_scope(form, user):
    """An officer registers a household in, or moves one to, a wijk of their teams only."""
    if "area" in form.fields:
        form.fields["area"].queryset = areas_in_scope(user, form.fields["area"].queryset)
    return form


class HouseholdCreateView(FormView):
    template_name = "interventions/household_form.html"
    form_class = HouseholdCreateForm
    permission_required = CHANGE

    def get_form(self, form_class=None):
        return _wijken_in_scope(super().get_form(form_class), self.request.user)

    def form_valid(self, form):
        try:
            household = services.household_create(
                external_reference=form.cleaned_data["external_reference"],
                created_by=self.request.user,
                **form.changes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Household %(pseudonym)s is registered.") % {"pseudonym": household.short_pseudonym},
        )
        return redirect(household_url(household))


class HouseholdEditView(HouseholdMixin, FormView):
    """Changing a household; a change by someone else in the meantime is shown, not overwritten."""

    template_name = "interventions/household_form.html"
    form_class = HouseholdForm
    permission_required = CHANGE

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return _wijken_in_scope(super().get_form(form_class), self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Household.objects.select_related("area").get(pk=self.object.pk)
        kwargs.setdefault("initial", {})["version"] = self.object.version
        return kwargs

    def get_context_data(self, **kwargs):
        log_access(self.request, action="view", model=HOUSEHOLD_MODEL, object_ids=[self.object.pk])
        return super().get_context_data(household=self.object, **kwargs)

    def form_valid(self, form):
        try:
            household = services.household_update(
                household=self.object,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConflictError as conflict:
            return self.conflict(form, conflict.current, form.changed_fields)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes were saved."))
        return redirect(household_url(household))

    def conflict(self, form, current, fields):
        """Show what is stored now beside what the user entered; the next save needs their OK."""
        stored = {field: _display(current, field) for field in fields}
        data = form.data.copy()
        data["version"] = current.version
        # Validating the form writes the input onto its instance: give it a copy of the record.
        instance = type(current).objects.get(pk=current.pk)
        form = self.get_form_class()(data=data, instance=instance, **self.conflict_form_kwargs())
        form.is_valid()
        differences = [
            {"label": form.fields[field].label, "stored": stored[field], "entered": entered}
            for field in fields
            if field in form.fields and stored[field] != (entered := _display_input(form, field))
        ]
        return self.render_to_response(
            self.get_context_data(form=form, conflict=current, differences=differences)
        )

    def conflict_form_kwargs(self) -> dict:
        return {}


def _display(instance, field: str) -> str:
    value = getattr(instance, field)
    display = getattr(instance, f"get_{field}_display", None)
    if display is not None:
        return str(display())
    if value is None:
        return ""
    if hasattr(value, "name_nl"):
        return value.name_nl
    if hasattr(value, "name"):
        return value.name
    return _shown(value)


def _shown(value) -> str:
    """A date or a number as the pages write them (31-03-2026, 1.200,50)."""
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _display_input(form, field: str) -> str:
    if not form.is_bound or field not in form.cleaned_data:
        return str(form.data.get(field, ""))
    value = form.cleaned_data[field]
    model_field = form.instance._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if value is None:
        return ""
    if hasattr(value, "name_nl"):
        return value.name_nl
    if hasattr(value, "name"):
        return value.name
    return _shown(value)


class HouseholdChildMixin:
    """Pages about one household's interventions."""

    def get_household(self) -> Household:
        if not hasattr(self, "_household"):
            self._household = get_object_or_404(
                households_visible_to(self.request.user).select_related("area"),
                pk=self.kwargs["pk"],
            )
        return self._household


class InterventionCreateView(HouseholdChildMixin, FormView):
    """Adding an intervention from the catalogue to a household."""

    template_name = "interventions/intervention_form.html"
    form_class = InterventionCreateForm
    permission_required = CHANGE

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["household"] = self.get_household()
        chosen = self.request.GET.get("intervention_type")
        if chosen and chosen.isdigit():
            kwargs.setdefault("initial", {})["intervention_type"] = chosen
            unit_cost = (
                InterventionType.objects.filter(pk=chosen, is_active=True)
                .values_list("unit_cost", flat=True)
                .first()
            )
            if unit_cost is not None:
                kwargs["initial"]["actual_cost"] = unit_cost
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(household=self.get_household(), **kwargs)
        form = context["form"]
        chosen = form["intervention_type"].value()
        context["chosen_type"] = (
            InterventionType.objects.filter(pk=chosen).first()
            if str(chosen or "").isdigit()
            else None
        )
        filled = (
            form.data.get("unit_cost_filled") if form.is_bound else form.initial.get("actual_cost")
        )
        context["unit_cost_filled"] = _amount_shown(filled)
        return context

    def form_valid(self, form):
        household = self.get_household()
        try:
            services.intervention_create(
                household=household,
                created_by=self.request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(intervention)s is added to household %(pseudonym)s.")
            % {
                "intervention": form.cleaned_data["intervention_type"].name_nl,
                "pseudonym": household.short_pseudonym,
            },
        )
        return redirect(household_url(household))


def _amount_shown(value) -> str:
    """An amount as the cost field shows it (text typed is kept as it is)."""
    if value in (None, ""):
        return ""
    return value if isinstance(value, str) else InterventionForm.cost_widget().format_value(value)


class UnitCostView(TemplateView):
    """htmx: the cost field filled in with the unit cost of the intervention type chosen, while
    the officer has not typed a cost of their own."""

    template_name = "interventions/partials/unit_cost.html"
    permission_required = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.request.GET.get("intervention_type", "")
        intervention_type = (
            InterventionType.objects.filter(pk=chosen, is_active=True).first()
            if chosen.isdigit()
            else None
        )
        typed = self.request.GET.get("actual_cost", "")
        filled = self.request.GET.get("unit_cost_filled", "")
        context.update(intervention_type=intervention_type, unit_cost_filled=filled)
        if intervention_type is None:
            return context
        if InterventionForm.cost_untouched(typed, filled):
            context["unit_cost_filled"] = _amount_shown(intervention_type.unit_cost)
            context["cost_input"] = InterventionForm.cost_widget().render(
                "actual_cost",
                intervention_type.unit_cost,
                attrs={
                    "id": "id_actual_cost",
                    "aria-describedby": "id_actual_cost_helptext",
                    "hx-swap-oob": "true",
                },
            )
        else:
            context["cost_kept"] = True
        return context


class InterventionMixin(SingleObjectMixin):
    model = Intervention

    def get_queryset(self):
        return interventions_visible_to(self.request.user).select_related(
            "household__area", "intervention_type"
        )


class InterventionEditView(InterventionMixin, HouseholdEditView):
    template_name = "interventions/intervention_form.html"
    form_class = InterventionForm

    def get_form_kwargs(self):
        kwargs = FormView.get_form_kwargs(self)
        kwargs["instance"] = Intervention.objects.select_related(
            "household", "intervention_type"
        ).get(pk=self.object.pk)
        kwargs["household"] = self.object.household
        kwargs.setdefault("initial", {})["version"] = self.object.version
        return kwargs

    def conflict_form_kwargs(self) -> dict:
        return {"household": self.object.household}

    def get_context_data(self, **kwargs):
        log_access(
            self.request,
            action="view",
            model=INTERVENTION_MODEL,
            object_ids=[self.object.pk],
        )
        return FormView.get_context_data(
            self, household=self.object.household, intervention=self.object, **kwargs
        )

    def form_valid(self, form):
        try:
            services.intervention_update(
                intervention=self.object,
                expected_version=form.cleaned_data["version"],
                updated_by=self.request.user,
                **self.changes(form),
            )
        except ConflictError as conflict:
            return self.conflict(form, conflict.current, form.changed_fields)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return redirect(household_url(self.object.household))

    def changes(self, form) -> dict:
        return form.changes()

    def success_message(self) -> str:
        return _("Your changes were saved.")


class InterventionEndView(InterventionEditView):
    """Ending an intervention: end date, completed or stopped, the final cost."""

    template_name = "interventions/intervention_end.html"
    form_class = InterventionEndForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("household")
        instance = kwargs["instance"]
        initial = kwargs["initial"]
        if instance.status not in (InterventionStatus.COMPLETED, InterventionStatus.STOPPED):
            initial.setdefault("status", InterventionStatus.COMPLETED)
        if instance.actual_cost is None:
            initial.setdefault("actual_cost", instance.intervention_type.unit_cost)
        return kwargs

    def conflict_form_kwargs(self) -> dict:
        return {}

    def success_message(self) -> str:
        return _("The intervention is ended.")
