"""Pages of the follow-up: the "Volgen" section of the household page and the forms to add,
change and delete assessments, survey waves and outcome events.

Views stay thin: forms parse, ``services`` validate and write, ``selectors`` read. Every read of
follow-up records goes to the access log, as the household page's reads do. A change by someone
else in the meantime is shown beside the user's input, never overwritten.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from interventions.register.extensions import HouseholdSection, household_frozen
from interventions.register.models import Household
from interventions.register.scopes import households_visible_to, of_visible_households
from siex.audit.services import log_access
from siex.core.forms import apply_errors
from siex.core.templatetags.siex import short_date
from siex.core.versioning import ConflictError, VersionedModel

from . import selectors, services
from .forms import (
    AssessmentCreateForm,
    AssessmentForm,
    OutcomeEventCreateForm,
    OutcomeEventForm,
    SurveyCreateForm,
    SurveyForm,
)
from .importing import SHEET_NAMES, follow_up_import
from .models import Assessment, Instrument, OutcomeEvent, SurveyResponse

VIEW = "interventions.view_household_data"
CHANGE = "interventions.change_household_data"


def household_url(household: Household) -> str:
    return reverse("register:household", kwargs={"pk": household.pk}) + "#volgen"


def follow_up_section(request, household: Household) -> HouseholdSection | None:
    """The "Volgen" section of the household page (for those who see households)."""
    if not request.user.has_perm(VIEW):
        return None
    follow_up = selectors.household_follow_up(household)
    for model, ids in follow_up.record_ids().items():
        if ids:
            log_access(request, action="list", model=model, object_ids=ids, result_count=len(ids))
    return HouseholdSection(
        template_name="interventions/followup/section.html",
        context={
            "household": household,
            "follow_up": follow_up,
            "can_change": request.user.has_perm(CHANGE) and household_frozen(household) is None,
        },
    )


def _shown(field: forms.Field, value: Any) -> str:
    """A value as the conflict table writes it: a choice by its label, a date the Dutch way."""
    if value in (None, ""):
        return ""
    if isinstance(field, forms.ModelChoiceField):
        if not hasattr(value, "pk"):
            value = field.queryset.filter(pk=value).first()
        return field.label_from_instance(value) if value is not None else ""
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(str(value), value))
    if isinstance(value, date):
        return short_date(value)
    return str(value)


class FollowUpFormView(FormView):
    """Adding (``pk`` of the household) or changing (``pk`` of the record) a follow-up record."""

    template_name = "interventions/followup/record_form.html"
    permission_required = CHANGE
    model: type[VersionedModel]
    create_form: type[forms.ModelForm]
    edit_form: type[forms.ModelForm]
    title_new = ""
    title_edit = ""
    added_message = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.record = None
        self.household = None

    def dispatch(self, request, *args, **kwargs):
        if self.kwargs.get("record"):
            self.record = get_object_or_404(
                of_visible_households(self.model.objects, request.user).select_related(
                    "household__area"
                ),
                pk=self.kwargs["record"],
            )
            self.household = self.record.household
        else:
            self.household = get_object_or_404(
                households_visible_to(request.user).select_related("area"), pk=self.kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.edit_form if self.record else self.create_form

    def extra_form_kwargs(self) -> dict:
        return {"household": self.household}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.extra_form_kwargs())
        if self.record is not None:
            kwargs["instance"] = self.model.objects.get(pk=self.record.pk)
            kwargs.setdefault("initial", {})["version"] = self.record.version
        return kwargs

    def get_context_data(self, **kwargs):
        if self.record is not None:
            log_access(
                self.request,
                action="view",
                model=self.model._meta.label_lower,
                object_ids=[self.record.pk],
            )
        return super().get_context_data(
            household=self.household,
            record=self.record,
            title=self.title_edit if self.record else self.title_new,
            **kwargs,
        )

    def create(self, form) -> None:
        raise NotImplementedError

    def update(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            if self.record is None:
                self.create(form)
                message = self.added_message
            else:
                self.update(form)
                message = _("Your changes were saved.")
        except ConflictError as conflict:
            return self.conflict(form, conflict.current)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, str(message))
        return redirect(household_url(self.household))

    def conflict(self, form, current):
        """Show what is stored now beside what the user entered; the next save needs their OK."""
        form_class = self.get_form_class()
        stored_form = form_class(instance=current, **self.extra_form_kwargs())
        data = form.data.copy()
        data["version"] = current.version
        again = form_class(
            data=data, instance=self.model.objects.get(pk=current.pk), **self.extra_form_kwargs()
        )
        again.is_valid()
        differences = []
        for name, field in again.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            stored = _shown(field, stored_form.get_initial_for_field(field, name))
            if name in again.cleaned_data:
                entered_value = again.cleaned_data[name]
            else:
                entered_value = again.data.get(name, "")
            entered = _shown(field, entered_value)
            if stored != entered:
                differences.append({"label": field.label, "stored": stored, "entered": entered})
        return self.render_to_response(
            self.get_context_data(form=again, conflict=current, differences=differences)
        )


class AssessmentFormView(FollowUpFormView):
    model = Assessment
    create_form = AssessmentCreateForm
    edit_form = AssessmentForm
    title_new = gettext_lazy("Add an assessment")
    title_edit = gettext_lazy("Change an assessment")
    added_message = gettext_lazy("The assessment is added.")

    def instrument(self) -> Instrument:
        if self.record is not None:
            return self.record.instrument
        return get_object_or_404(Instrument, code=self.kwargs["instrument"])

    def extra_form_kwargs(self) -> dict:
        return {"household": self.household, "instrument": self.instrument()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(instrument=self.instrument(), **kwargs)

    def create(self, form) -> None:
        services.assessment_create(
            household=self.household,
            instrument=self.instrument(),
            created_by=self.request.user,
            **form.changes(),
        )

    def update(self, form) -> None:
        services.assessment_update(
            assessment=self.record,
            expected_version=form.cleaned_data["version"],
            updated_by=self.request.user,
            **form.changes(),
        )


class SurveyFormView(FollowUpFormView):
    model = SurveyResponse
    create_form = SurveyCreateForm
    edit_form = SurveyForm
    title_new = gettext_lazy("Add a survey")
    title_edit = gettext_lazy("Change a survey")
    added_message = gettext_lazy("The survey is added.")

    def create(self, form) -> None:
        services.survey_create(
            household=self.household, created_by=self.request.user, **form.changes()
        )

    def update(self, form) -> None:
        services.survey_update(
            survey=self.record,
            expected_version=form.cleaned_data["version"],
            updated_by=self.request.user,
            **form.changes(),
        )


class OutcomeEventFormView(FollowUpFormView):
    model = OutcomeEvent
    create_form = OutcomeEventCreateForm
    edit_form = OutcomeEventForm
    title_new = gettext_lazy("Add an outcome")
    title_edit = gettext_lazy("Change an outcome")
    added_message = gettext_lazy("The outcome is added.")

    def create(self, form) -> None:
        services.outcome_event_create(
            household=self.household, created_by=self.request.user, **form.changes()
        )

    def update(self, form) -> None:
        services.outcome_event_update(
            event=self.record,
            expected_version=form.cleaned_data["version"],
            updated_by=self.request.user,
            **form.changes(),
        )


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FollowUpDeleteView(FormView):
    """Deleting a follow-up record, after confirmation, with the version read."""

    template_name = "interventions/followup/record_delete.html"
    form_class = DeleteForm
    permission_required = CHANGE
    model: type[VersionedModel]
    deleted_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.record = get_object_or_404(
            of_visible_households(self.model.objects, self.request.user).select_related(
                "household"
            ),
            pk=self.kwargs["record"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.record.version}

    def get_context_data(self, **kwargs):
        log_access(
            self.request,
            action="view",
            model=self.model._meta.label_lower,
            object_ids=[self.record.pk],
        )
        return super().get_context_data(
            record=self.record, household=self.record.household, **kwargs
        )

    def delete(self, version: int) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.delete(form.cleaned_data["version"])
        except ConflictError as conflict:
            self.record = conflict.current
            form = self.get_form_class()(initial={"version": conflict.current.version})
            return self.render_to_response(self.get_context_data(form=form, conflict=True))
        messages.success(self.request, str(self.deleted_message))
        return redirect(household_url(self.record.household))


class AssessmentDeleteView(FollowUpDeleteView):
    model = Assessment
    deleted_message = gettext_lazy("The assessment is deleted.")

    def delete(self, version: int) -> None:
        services.assessment_delete(assessment=self.record, expected_version=version)


class SurveyDeleteView(FollowUpDeleteView):
    model = SurveyResponse
    deleted_message = gettext_lazy("The survey is deleted.")

    def delete(self, version: int) -> None:
        services.survey_delete(survey=self.record, expected_version=version)


class OutcomeEventDeleteView(FollowUpDeleteView):
    model = OutcomeEvent
    deleted_message = gettext_lazy("The outcome is deleted.")

    def delete(self, version: int) -> None:
        services.outcome_event_delete(event=self.record, expected_version=version)


class FollowUpImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel)"),
        help_text=gettext_lazy(
            "Sheets Metingen, Vragenlijsten and/or Effecten, or a CSV file with the columns of "
            "one of them."
        ),
    )
    check_only = forms.BooleanField(
        label=gettext_lazy("Only check, import nothing yet"), required=False, initial=True
    )


class FollowUpImportView(FormView):
    """Importing follow-up from a spreadsheet: checked in full first; imported all or nothing."""

    template_name = "interventions/followup/import.html"
    form_class = FollowUpImportForm
    permission_required = CHANGE

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = follow_up_import(
                data=data,
                file_name=upload.name,
                user=self.request.user,
                commit=not form.cleaned_data["check_only"],
            )
        except ValidationError as error:  # the file as a whole cannot be read
            form.add_error("file", error.messages)
            return self.form_invalid(form)
        if result.written:
            labels = {
                "assessments": "interventions.assessment",
                "surveys": "interventions.surveyresponse",
                "events": "interventions.outcomeevent",
            }
            for kind, counts in result.counts.items():
                log_access(
                    self.request,
                    action="import",
                    model=labels[kind],
                    query={"file_sha256": hashlib.sha256(data).hexdigest()},
                    result_count=counts["new"] + counts["changed"],
                )
            messages.success(self.request, _("The follow-up is imported."))
        return self.render_to_response(
            self.get_context_data(
                form=FollowUpImportForm(initial={"check_only": False}),
                result=result,
                kinds=[(SHEET_NAMES[kind], counts) for kind, counts in result.counts.items()],
            )
        )
