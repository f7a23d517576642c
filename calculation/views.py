"""The project lead's scenario pages: list, create, upload, edit, fix, recalculate, results
and downloads (the comparison is ``comparison.views``); council members read the list, the
fixed versions and their results.
Thin: the services write, the selectors and ``presentation`` read."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin

from siex.core.forms import VersionLockForm, apply_errors
from siex.core.spreadsheets import XLSX_CONTENT_TYPE, xlsx_temporary_file
from siex.core.versioning import ConflictError

from . import presentation, selectors, services
from .forms import (
    NewVersionForm,
    ScenarioCopyForm,
    ScenarioForm,
    UploadForm,
    VersionEditor,
)
from .models import CalculationRun, RunStatus, ScenarioVersion, VersionStatus
from .results.disclosure import results_for
from .results.workbook import run_info, run_workbook, workbook_filename

VIEW = "calculation.view_scenarios"
CHANGE = "calculation.change_scenarios"
# Fixed versions and their results, for the council too; drafts stay the project lead's (VIEW).
RESULTS = "calculation.view_results"
RECENT_RUNS = 10


def _json_download(document: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def refuse_draft(user, version: ScenarioVersion) -> None:
    """A council member reads what the council decides on: fixed versions, never a draft."""
    if not version.is_fixed and not user.has_perm(VIEW):
        raise PermissionDenied


def version_url(version: ScenarioVersion, anchor: str = "") -> str:
    url = reverse("calculation:version", kwargs={"pk": version.pk})
    return f"{url}#{anchor}" if anchor else url


class ScenarioListView(TemplateView):
    """Every scenario with its newest version and the state of its newest calculation."""

    template_name = "calculation/scenario_list.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fixed_only = not self.request.user.has_perm(VIEW)
        context["rows"] = presentation.scenario_rows(fixed_only=fixed_only)
        context["fixed_only"] = fixed_only
        return context


class ScenarioCreateView(FormView):
    """A new scenario with a first draft version on a snapshot of the current catalogue."""

    template_name = "calculation/scenario_form.html"
    form_class = ScenarioForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            version = services.scenario_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Scenario “%(name)s” was created with a draft version 1.")
            % {"name": version.scenario.name},
        )
        return redirect(version_url(version))


class ScenarioUploadView(FormView):
    """Import a scenario file: all or nothing, with every problem listed."""

    template_name = "calculation/scenario_upload.html"
    form_class = UploadForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            version = services.scenario_import(
                document=form.cleaned_data["document"], user=self.request.user
            )
        except ValidationError as error:
            form.add_error("file", presentation.service_messages(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The file was imported as “%(version)s”.") % {"version": version},
        )
        return redirect(version_url(version))


class VersionMixin(ContextMixin, View):
    """Views of one scenario version: read once per request, and in every template's context."""

    #: Fields the view reads only when they are not cached (read then on first use).
    deferred: tuple[str, ...] = ()

    def get_version(self) -> ScenarioVersion:
        if not hasattr(self, "_version"):
            self._version = get_object_or_404(
                ScenarioVersion.objects.select_related(
                    "scenario", "created_by", "updated_by", "fixed_by", "copied_from__scenario"
                ).defer(*self.deferred),
                pk=self.kwargs["pk"],
            )
        return self._version

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("version", self.get_version())
        return context


class OpenScenarioMixin(VersionMixin):
    """Pages that change a scenario: refused, with the reason, once its exploitation is closed."""

    def dispatch(self, request, *args, **kwargs):
        version = self.get_version()
        try:
            services.refuse_closed(version.scenario)
        except services.ScenarioClosedError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(version_url(version))
        return super().dispatch(request, *args, **kwargs)


class VersionDetailView(VersionMixin, TemplateView):
    """A version: its inputs, its status and its latest calculation."""

    template_name = "calculation/version_detail.html"
    permission_required = RESULTS
    # The catalogue snapshot (most of the row): its names and the inputs hash are cached.
    deferred = ("catalogue",)

    def get(self, request, *args, **kwargs):
        refuse_draft(request.user, self.get_version())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        versions = version.scenario.versions.only("pk", "number", "status").order_by("-number")
        if not self.request.user.has_perm(VIEW):
            versions = versions.filter(status=VersionStatus.FIXED)
        latest_run = selectors.latest_run(version)
        result = selectors.latest_result(version, latest_run)
        # The result's key figures and charts, rendered once per run (a finished run's results
        # never change).
        key_html, has_charts = (
            presentation.results_html(result, self.request.user, "key") if result else ("", False)
        )
        context.update(
            version=version,
            sections=presentation.version_sections(version),
            versions=versions,
            latest_run=latest_run,
            result=result,
            key_results_html=key_html,
            charts=has_charts,
            result_current=result is not None
            and result.inputs_hash == services.version_inputs_hash(version),
            runs=version.runs.defer("results").select_related("started_by")[:RECENT_RUNS],
        )
        return context


class VersionEditView(OpenScenarioMixin, TemplateView):
    """Edit a draft version: parameters and lists, saved together with optimistic locking."""

    template_name = "calculation/version_edit.html"
    permission_required = CHANGE

    def _refuse_fixed(self, version):
        messages.error(
            self.request,
            _(
                "Version %(number)s is fixed (vastgesteld) and cannot be changed; make a new "
                "version to revise it."
            )
            % {"number": version.number},
        )
        return redirect(version_url(version))

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        if version.is_fixed:
            return self._refuse_fixed(version)
        return self.render_to_response(self.get_context_data(editor=VersionEditor(version)))

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        if version.is_fixed:
            return self._refuse_fixed(version)
        editor = VersionEditor(version, request.POST)
        context: dict[str, Any] = {"editor": editor}
        # Every problem at once: the scenario check reads what the fields could read, also when
        # some could not, so that an officer fixes everything in one go.
        valid = editor.is_valid()
        problems = services.scenario_version_check(version=version, changes=editor.changes())
        if problems is not None:
            editor.add_problems(problems)
        elif valid:
            try:
                services.scenario_version_update(
                    version=version,
                    expected_version=editor.parameters.cleaned_data["version"],
                    user=request.user,
                    **editor.changes(),
                )
            except services.FixedVersionError:
                return self._refuse_fixed(version)
            except ConflictError as conflict:
                context["conflict"] = conflict.current
            except ValidationError as error:
                editor.add_service_error(error)
            else:
                messages.success(request, _("Your changes were saved."))
                return redirect(version_url(version))
        return self.render_to_response(self.get_context_data(**context))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editor = context["editor"]
        context["error_items"] = editor.error_items() if editor.parameters.is_bound else []
        return context


class VersionFixView(OpenScenarioMixin, FormView):
    """Fix (vaststellen) a draft version after a confirmation: from then on it never changes."""

    template_name = "calculation/version_fix.html"
    form_class = VersionLockForm
    permission_required = CHANGE

    def dispatch(self, request, *args, **kwargs):
        self.version = self.get_version()
        if self.version.is_fixed:
            messages.info(request, _("This version is already fixed."))
            return redirect(version_url(self.version))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.version.version}

    def form_valid(self, form):
        try:
            version = services.scenario_version_fix(
                version=self.version,
                expected_version=form.cleaned_data["version"],
                user=self.request.user,
            )
        except ConflictError:
            messages.error(
                self.request,
                _(
                    "Someone changed this version while you were looking at it; check the "
                    "changes before you fix it."
                ),
            )
            return redirect(version_url(self.version))
        except ValidationError as error:
            for message in presentation.service_messages(error):
                messages.error(self.request, message)
            return redirect(version_url(self.version))
        messages.success(
            self.request,
            _("Version %(number)s is fixed (vastgesteld). It can no longer change.")
            % {"number": version.number},
        )
        return redirect(version_url(version))


class VersionNewView(OpenScenarioMixin, FormView):
    """A new draft version of the same scenario, starting as a copy (the yearly revision)."""

    template_name = "calculation/version_new.html"
    form_class = NewVersionForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            new = services.scenario_version_new(
                version=self.get_version(), user=self.request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Draft version %(number)s was made.") % {"number": new.number}
        )
        return redirect(version_url(new))


class VersionCopyView(VersionMixin, FormView):
    """Copy a version into a new scenario."""

    template_name = "calculation/version_copy.html"
    form_class = ScenarioCopyForm
    permission_required = CHANGE

    def form_valid(self, form):
        try:
            new = services.scenario_copy(
                version=self.get_version(), user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Scenario “%(name)s” was made as a copy.") % {"name": new.scenario.name},
        )
        return redirect(version_url(new))


class VersionDownloadView(VersionMixin, View):
    """The version as a scenario file."""

    permission_required = VIEW

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        return _json_download(
            selectors.scenario_document(version),
            f"siex-scenario-{version.scenario.code}-v{version.number}.json",
        )


class VersionRunView(VersionMixin, View):
    """Start a recalculation (or show the one already running)."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        already = version.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists()
        try:
            run = services.run_start(version=version, user=request.user)
        except services.CalculationServiceUnavailable as error:
            response = render(
                request, "calculation/service_unavailable.html", {"version": version}, status=503
            )
            response["Retry-After"] = str(error.retry_after)
            return response
        run.refresh_from_db()
        if already and run.is_active:
            messages.info(request, _("A calculation of this version is already running."))
        elif run.status == RunStatus.SUCCEEDED:
            messages.success(request, _("The calculation has finished."))
        elif run.status == RunStatus.FAILED:
            messages.error(request, _("The calculation failed; the reason is shown below."))
        else:
            messages.info(request, _("The calculation has started."))
        return redirect(version_url(version, "run"))


class RunMixin(View):
    def get_run(self, *, with_results: bool = False) -> CalculationRun:
        runs = CalculationRun.objects.select_related("scenario_version__scenario", "started_by")
        if not with_results:
            runs = runs.defer("results")
        run = get_object_or_404(runs, pk=self.kwargs["pk"])
        refuse_draft(self.request.user, run.scenario_version)
        return run


class RunDetailView(RunMixin, TemplateView):
    """One calculation: its metadata and, when it finished, all its results."""

    template_name = "calculation/run_detail.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.get_run()
        context["run"] = run
        context["version"] = run.scenario_version
        if run.status == RunStatus.SUCCEEDED:
            html, has_charts = presentation.results_html(run, self.request.user)
            context["results_html"] = html
            context["charts"] = has_charts
        return context


class RunProgressView(RunMixin, TemplateView):
    """The state of a run, polled by htmx every second until it has finished."""

    template_name = "calculation/partials/run_status.html"
    permission_required = RESULTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.get_run()
        return context


class RunDownloadView(RunMixin, View):
    """A finished run's results document."""

    permission_required = RESULTS

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        if run.status != RunStatus.SUCCEEDED:
            messages.error(request, _("This calculation has no results: it did not finish."))
            return HttpResponseRedirect(reverse("calculation:run", kwargs={"pk": run.pk}))
        version = run.scenario_version
        return _json_download(
            results_for(selectors.run_results(run), request.user),
            f"siex-results-{version.scenario.code}-v{version.number}-run{run.pk}.json",
        )


class RunWorkbookView(RunMixin, View):
    """A finished run as an Excel workbook with live formulas (``docs/workbook.md``): whoever may
    read the run's page may download it."""

    permission_required = RunDetailView.permission_required

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        if run.status != RunStatus.SUCCEEDED:
            messages.error(request, _("This calculation has no results: it did not finish."))
            return HttpResponseRedirect(reverse("calculation:run", kwargs={"pk": run.pk}))
        workbook = run_workbook(
            results_for(selectors.run_results(run), request.user), run_info(run)
        )
        return FileResponse(
            xlsx_temporary_file(workbook),
            as_attachment=True,
            filename=workbook_filename(run),
            content_type=XLSX_CONTENT_TYPE,
        )
