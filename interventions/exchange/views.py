"""The import and export page of the register: upload a spreadsheet, see the dry-run check of every
row, commit it (all rows or none), download the templates, export the register. Thin: the work is
done by ``services`` (checking and importing a file) and ``export`` (the export, the templates)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRefresh

from interventions.register.scopes import households_visible_to
from siex.audit.services import log_access
from siex.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from . import columns, export, selectors, services, sheets
from .columns import HOUSEHOLDS, INTERVENTIONS, KINDS
from .forms import ALL, ExportForm, ImportUploadForm
from .models import ImportBatch, ImportBatchStatus
from .problems import ImportFileError

VIEW = "interventions.view_household_data"
CHANGE = "interventions.change_household_data"
MODEL_LABELS = {HOUSEHOLDS: "interventions.household", INTERVENTIONS: "interventions.intervention"}
TEMPLATE_KINDS = {"huishoudens": HOUSEHOLDS, "interventies": INTERVENTIONS}
INDEX_TEMPLATE = "interventions/import/index.html"
PROGRESS_TEMPLATE = "interventions/import/partials/check_progress.html"


def _page_context(request, **extra) -> dict:
    can_import = request.user.has_perm(CHANGE)
    context = {
        "can_import": can_import,
        "upload_form": ImportUploadForm() if can_import else None,
        "export_form": ExportForm(initial=ExportForm.defaults()),
        "recent": selectors.import_batches_recent(),
        "max_mb": sheets.file_size_mb(settings.SIEX_IMPORT_MAX_BYTES),
        "max_rows": sheets.max_rows(),
        "template_kinds": TEMPLATE_KINDS,
    }
    context.update(extra)
    return context


class ImportExportView(TemplateView):
    """Import (policy officers) and export (policy officers and project leads) of the register."""

    template_name = INDEX_TEMPLATE
    permission_required = VIEW

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_page_context(self.request)}


class ImportUploadView(View):
    """Upload a file: it is checked (dry run) as a job, and the officer follows the check on the
    batch's page (with the embedded default's in-process jobs, it is done at once)."""

    permission_required = CHANGE

    def get(self, request):
        return redirect("imports:index")

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_batch_start(
                    data=upload.read(), file_name=upload.name, user=request.user
                )
            except ImportFileError as error:
                form.add_error("file", error.messages)
            else:
                return redirect("imports:batch", pk=batch.pk)
        return render(request, INDEX_TEMPLATE, _page_context(request, upload_form=form))


def _own_batch(request, pk: int) -> ImportBatch:
    try:
        return selectors.import_batch_for(batch_id=pk, user=request.user)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


class ImportBatchView(TemplateView):
    """The check of an uploaded file (before the commit) or what its import did (after)."""

    template_name = "interventions/import/batch.html"
    permission_required = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = _own_batch(self.request, self.kwargs["pk"])
        stale = (
            batch.status == ImportBatchStatus.PREVIEWED
            and batch.created_at < timezone.now() - services.PREVIEW_VALID_FOR
        )
        context.update(
            {
                "batch": batch,
                "kinds": [
                    {
                        "kind": kind,
                        "label": columns.kind_label(kind),
                        **batch.counts.get(kind, {}),
                    }
                    for kind in KINDS
                    if kind in batch.counts
                ],
                "errors_hidden": max(0, batch.error_count - len(batch.errors)),
                "stale": stale,
                "can_commit": batch.can_be_committed and not stale,
                "earlier": selectors.import_batch_committed_before(batch),
                "nothing_to_do": batch.can_be_committed
                and not any(
                    counts.get("new") or counts.get("changed") for counts in batch.counts.values()
                ),
            }
        )
        return context


class ImportBatchProgressView(View):
    """How far the check of a file is, polled by htmx every second while it runs; once it has
    finished, htmx reloads the batch's page, which then shows the result."""

    permission_required = CHANGE

    def get(self, request, pk: int):
        batch = _own_batch(request, pk)
        if not batch.is_checking:
            return HttpResponseClientRefresh()
        return render(request, PROGRESS_TEMPLATE, {"batch": batch})


class ImportCommitView(View):
    """Commit a checked file: all rows or none."""

    permission_required = CHANGE

    def post(self, request, pk: int):
        try:
            batch = services.import_batch_commit(batch_id=pk, user=request.user)
        except ImportBatch.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("imports:batch", pk=pk)
        if batch.status != ImportBatchStatus.COMMITTED:
            messages.error(
                request,
                _(
                    "Nothing was imported: the register changed since the check, and some rows "
                    "are no longer correct. See the problems below."
                ),
            )
            return redirect("imports:batch", pk=pk)
        for kind in batch.kinds:
            counts = batch.counts.get(kind, {})
            log_access(
                request,
                action="import",
                model=MODEL_LABELS[kind],
                query={"import_batch": batch.pk, "file_sha256": batch.file_sha256},
                result_count=counts.get("new", 0) + counts.get("changed", 0),
            )
        messages.success(request, _("The file has been imported."))
        return redirect("imports:batch", pk=pk)


class ImportDiscardView(View):
    """Drop a checked file without importing it."""

    permission_required = CHANGE

    def post(self, request, pk: int):
        try:
            services.import_batch_discard(batch_id=pk, user=request.user)
        except ImportBatch.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("imports:batch", pk=pk)
        messages.info(request, _("The check was discarded; nothing was imported."))
        return redirect("imports:index")


class TemplateXlsxView(View):
    """The import workbook, generated from the current districts and catalogue."""

    permission_required = CHANGE

    def get(self, request):
        response = HttpResponse(
            export.import_template_xlsx(),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = 'attachment; filename="siex-importsjabloon.xlsx"'
        return response


class TemplateCsvView(View):
    """The header row of one kind as a CSV file."""

    permission_required = CHANGE

    def get(self, request, kind: str):
        if kind not in TEMPLATE_KINDS:
            raise Http404
        response = HttpResponse(
            export.import_template_csv(TEMPLATE_KINDS[kind]),
            content_type=CSV_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="siex-sjabloon-{kind}.csv"'
        return response


class ExportView(View):
    """The register (or one district of it) as CSV or XLSX, streamed; written to the access log."""

    permission_required = VIEW

    def get(self, request):
        form = ExportForm(request.GET or ExportForm.defaults())
        if not form.is_valid():
            return render(
                request, INDEX_TEMPLATE, _page_context(request, export_form=form), status=400
            )
        query = export.ExportQuery(
            kinds=form.kinds(),
            visible=households_visible_to(request.user),
            area_code=form.cleaned_data.get("wijk") or "",
        )
        file_format = form.cleaned_data["file_format"]
        for kind, count in export.export_counts(query).items():
            log_access(
                request,
                action="export",
                model=MODEL_LABELS[kind],
                query=query.as_log_query(file_format),
                result_count=count,
            )
        content = form.cleaned_data["content"]
        name = export.export_file_name(
            content if content != ALL else "register", file_format, timezone.localdate()
        )
        if file_format == "csv":
            response = StreamingHttpResponse(
                export.csv_stream(query.kinds[0], query),
                content_type=CSV_CONTENT_TYPE,
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return FileResponse(
            export.xlsx_file(query),
            as_attachment=True,
            filename=name,
            content_type=XLSX_CONTENT_TYPE,
        )
