"""The catalogue pages: the assumptions register every role may read (it holds no household data),
detail pages with their change history, downloads, and the project lead's maintenance (create,
edit, take out of use, upload a catalogue file). Thin: the services write, the selectors read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from siex.core.forms import VersionLockForm
from siex.core.versioning import ConflictError

from . import selectors, services
from .file import catalogue_dump
from .forms import CatalogueUploadForm, InterventionTypeEditor, OutcomeEditor, RecordEditor
from .models import InterventionOutcome, InterventionType, Outcome

VIEW = "interventions.view_catalogue"
CHANGE = "interventions.change_catalogue"
FILTER_KEYS = ("life_domain", "grade")

#: How each kind of row in a catalogue file's load report is called on the page.
REPORT_KINDS = {
    "life_domains": gettext_lazy("life domains"),
    "life_domain_mappings": gettext_lazy("life domain mappings"),
    "actors": gettext_lazy("actors"),
    "budget_lines": gettext_lazy("budget lines"),
    "outcomes": gettext_lazy("outcomes"),
    "outcome_values": gettext_lazy("lists of values per actor"),
    "intervention_types": gettext_lazy("intervention types"),
    "outcome_links": gettext_lazy("lists of outcome links"),
}


def _filters(request) -> dict:
    return {key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key)}


def _decorate_type(intervention_type: InterventionType) -> InterventionType:
    """Percentages for the template: the cost phasing and the success probabilities."""
    intervention_type.phasing_pct = selectors.cost_phasing_percentages(intervention_type)
    for link in intervention_type.outcome_links.all():
        link.probability_pct = selectors.percent(link.success_probability)
    return intervention_type


def _decorate_outcome(outcome: Outcome) -> Outcome:
    outcome.ramp_up_pct = selectors.ramp_up_percentages(outcome)
    return outcome


class RegisterView(TemplateView):
    """The assumptions register: every intervention type and outcome with all their assumptions,
    filtered by life domain and confidence grade, with an explanation of each term."""

    template_name = "interventions/catalogue/register.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        type_filter = selectors.InterventionTypeFilter(
            self.request.GET or None, queryset=selectors.intervention_types()
        )
        outcome_filter = selectors.OutcomeFilter(
            self.request.GET or None, queryset=selectors.outcomes()
        )
        filters = _filters(self.request)
        query = self.request.GET.copy()
        for key in list(query):
            if key not in FILTER_KEYS:
                del query[key]
        context.update(
            filter_form=type_filter.form,
            filtered=bool(filters),
            intervention_types=[_decorate_type(t) for t in type_filter.qs],
            outcomes=[_decorate_outcome(o) for o in outcome_filter.qs],
            glossary=selectors.GLOSSARY,
            grades=selectors.confidence_grades(),
            tables=selectors.TABLES.values(),
            query=query.urlencode(),
        )
        return context


class InterventionTypeDetailView(TemplateView):
    template_name = "interventions/catalogue/type_detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intervention_type = get_object_or_404(selectors.intervention_types(), code=kwargs["code"])
        context.update(
            intervention_type=_decorate_type(intervention_type),
            history=selectors.change_history(intervention_type),
            history_limit=selectors.HISTORY_LIMIT,
        )
        return context


class OutcomeDetailView(TemplateView):
    template_name = "interventions/catalogue/outcome_detail.html"
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outcome = get_object_or_404(selectors.outcomes(), code=kwargs["code"])
        links = list(selectors.outcome_links_of(outcome))
        for link in links:
            link.probability_pct = selectors.percent(link.success_probability)
        context.update(
            outcome=_decorate_outcome(outcome),
            links=links,
            history=selectors.change_history(outcome),
            history_limit=selectors.HISTORY_LIMIT,
        )
        return context


# --- Maintenance ----------------------------------------------------------------------------------


class _EditView(TemplateView):
    """Create or edit a record with its nested rows. A version conflict keeps what the user typed
    and shows it next to what is stored now, so nothing is lost and nothing is overwritten
    unseen."""

    permission_required = CHANGE
    template_name = ""
    editor_class: type[RecordEditor]
    model: type[InterventionType] | type[Outcome]

    def get_record(self):
        if "code" not in self.kwargs:
            return None
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(self.model, code=self.kwargs["code"])
        return self._record

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(editor=self.editor_class(self.get_record()))
        )

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        editor = self.editor_class(record, request.POST)
        context = {"editor": editor}
        if editor.is_valid():
            fields, rows = editor.changes()
            try:
                saved = self.save(record, fields, rows, editor.form.cleaned_data.get("version"))
            except ConflictError as conflict:
                return self.conflict(record, conflict.current)
            except ValidationError as error:
                editor.add_service_error(error)
            else:
                messages.success(request, self.success_message(saved, created=record is None))
                return redirect(self.detail_url(saved))
        return self.render_to_response(self.get_context_data(**context))

    def conflict(self, record, current):
        """Show the page again with the user's input, now based on the stored version: saving
        again applies their input knowingly over the other change."""
        data = self.request.POST.copy()
        data["version"] = str(current.version)
        editor = self.editor_class(record, data)
        editor.is_valid()
        stored_rows = list(self.editor_class.rows_of(current))
        for row in stored_rows:
            if isinstance(row, InterventionOutcome):
                row.probability_pct = selectors.percent(row.success_probability)
        history = selectors.change_history(current)
        context = self.get_context_data(
            editor=editor,
            conflict=current,
            comparison=editor.comparison(current),
            stored_rows=stored_rows,
            last_change=history[0] if history else None,
        )
        return self.render_to_response(context, status=409)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editor = context["editor"]
        context["record"] = self.get_record()
        context["row_errors"] = editor.row_error_items() if editor.form.is_bound else []
        context["has_errors"] = editor.form.is_bound and editor.has_errors()
        return context

    def save(self, record, fields, rows, version):
        raise NotImplementedError

    def success_message(self, saved, created: bool) -> str:
        raise NotImplementedError

    def detail_url(self, saved) -> str:
        raise NotImplementedError


class _InterventionTypeEdit(_EditView):
    template_name = "interventions/catalogue/type_form.html"
    editor_class = InterventionTypeEditor
    model = InterventionType

    def save(self, record, fields, rows, version):
        if record is None:
            return services.intervention_type_create(**fields, outcome_links=rows)
        return services.intervention_type_update(
            intervention_type=record, expected_version=version, outcome_links=rows, **fields
        )

    def success_message(self, saved, created):
        if created:
            return _("Intervention “%(name)s” was added to the catalogue.") % {"name": saved}
        return _("Your changes to “%(name)s” were saved.") % {"name": saved}

    def detail_url(self, saved):
        return reverse("catalogue:type", kwargs={"code": saved.code})


class InterventionTypeCreateView(_InterventionTypeEdit):
    pass


class InterventionTypeEditView(_InterventionTypeEdit):
    pass


class _OutcomeEdit(_EditView):
    template_name = "interventions/catalogue/outcome_form.html"
    editor_class = OutcomeEditor
    model = Outcome

    def save(self, record, fields, rows, version):
        if record is None:
            return services.outcome_create(**fields, values=rows)
        return services.outcome_update(
            outcome=record, expected_version=version, values=rows, **fields
        )

    def success_message(self, saved, created):
        if created:
            return _("Outcome “%(name)s” was added to the catalogue.") % {"name": saved}
        return _("Your changes to “%(name)s” were saved.") % {"name": saved}

    def detail_url(self, saved):
        return reverse("catalogue:outcome", kwargs={"code": saved.code})


class OutcomeCreateView(_OutcomeEdit):
    pass


class OutcomeEditView(_OutcomeEdit):
    pass


class InterventionTypeActiveView(FormView):
    """Take an intervention type out of use, or back into use, after a confirmation."""

    template_name = "interventions/catalogue/type_active.html"
    form_class = VersionLockForm
    permission_required = CHANGE

    def dispatch(self, request, *args, **kwargs):
        self.intervention_type = get_object_or_404(InterventionType, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.intervention_type.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intervention_type"] = self.intervention_type
        context["registrations"] = selectors.registration_count(self.intervention_type)
        return context

    def form_valid(self, form):
        url = reverse("catalogue:type", kwargs={"code": self.intervention_type.code})
        activate = not self.intervention_type.is_active
        try:
            saved = services.intervention_type_set_active(
                intervention_type=self.intervention_type,
                expected_version=form.cleaned_data["version"],
                is_active=activate,
            )
        except ConflictError:
            messages.error(
                self.request,
                _(
                    "Nothing was changed: someone else changed this intervention while you were "
                    "looking at it. Check the current state below and try again."
                ),
            )
            return redirect(url)
        if saved.is_active:
            message = _("“%(name)s” is in use again and can be chosen for new registrations.")
        else:
            message = _(
                "“%(name)s” is no longer in use: it cannot be chosen for new registrations. "
                "Registered interventions keep it."
            )
        messages.success(self.request, message % {"name": saved})
        return redirect(url)


class CatalogueUploadView(FormView):
    """Load a catalogue file: all rows or none, with every problem listed."""

    template_name = "interventions/catalogue/upload.html"
    form_class = CatalogueUploadForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            report = services.catalogue_upload(document=form.cleaned_data["document"])
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self.form_invalid(form)
        kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged))
        parts = [
            _("%(kind)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged")
            % {
                "kind": REPORT_KINDS.get(kind, kind),
                "created": report.created[kind],
                "updated": report.updated[kind],
                "unchanged": report.unchanged[kind],
            }
            for kind in kinds
        ]
        messages.success(
            self.request,
            _("The catalogue file was loaded. %(summary)s.") % {"summary": "; ".join(parts)},
        )
        return redirect("catalogue:register")


# --- Downloads ------------------------------------------------------------------------------------


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class TableCsvView(View):
    """One table of the register as CSV, with the filters of the page."""

    permission_required = VIEW

    def get(self, request, table):
        if table not in selectors.TABLES:
            raise Http404
        content = selectors.table_csv(selectors.TABLES[table], _filters(request))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        return _attachment(response, f"siex-catalogus-{table}.csv")


class RegisterXlsxView(View):
    """The register as a workbook (one sheet per table, one with the explanation of terms)."""

    permission_required = VIEW

    def get(self, request):
        response = HttpResponse(
            selectors.register_xlsx(_filters(request)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return _attachment(response, "siex-aannameregister.xlsx")


class CatalogueFileView(View):
    """The whole catalogue as a catalogue file (JSON), the format the upload reads."""

    permission_required = VIEW

    def get(self, request):
        response = HttpResponse(
            json.dumps(catalogue_dump(), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        return _attachment(response, "siex-catalogus.json")
