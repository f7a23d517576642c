"""The pages of the indicator file upload: upload a file, follow its check, see its problems
by row and column or what committing it would change, commit it (all or nothing), download the
templates. Thin: the work is done by ``services``, ``checking`` and ``sheets``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRefresh

from siex.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from siex.core.tabular.limits import file_size_mb

from . import selectors, services, sheets
from .checking import IMPORT_PERMISSION
from .forms import IndicatorUploadForm
from .models import IndicatorUpload, UploadStatus

INDEX_TEMPLATE = "monitoring/import/index.html"
PROGRESS_TEMPLATE = "monitoring/import/partials/check_progress.html"
CSV_TEMPLATES = {"lang": sheets.long_template_csv, "breed": sheets.wide_template_csv}


def _page_context(request, **extra) -> dict:
    context = {
        "upload_form": IndicatorUploadForm(),
        "recent": selectors.indicator_uploads_recent(),
        "max_mb": file_size_mb(settings.SIEX_IMPORT_MAX_BYTES),
        "indicators": sheets.current_indicators(),
    }
    context.update(extra)
    return context


class IndicatorImportView(TemplateView):
    """Upload a file of indicator values, and the recent uploads with their status."""

    template_name = INDEX_TEMPLATE
    permission_required = IMPORT_PERMISSION

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_page_context(self.request)}


class IndicatorUploadView(View):
    """Upload a file: it is checked as a job, and the page of the upload follows the check (with
    the embedded default's in-process jobs, it is done at once)."""

    permission_required = IMPORT_PERMISSION

    def get(self, request):
        return redirect("indicator_imports:index")

    def post(self, request):
        form = IndicatorUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                started = services.indicator_upload_start(
                    data=upload.read(),
                    file_name=upload.name,
                    user=request.user,
                    period=form.cleaned_data.get("period"),
                    source=form.cleaned_data.get("source") or "",
                    provisional=form.cleaned_data.get("provisional") or False,
                )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                return redirect("indicator_imports:upload", pk=started.pk)
        return render(request, INDEX_TEMPLATE, _page_context(request, upload_form=form))


def _upload(pk: int) -> IndicatorUpload:
    try:
        return selectors.indicator_upload_get(upload_id=pk)
    except IndicatorUpload.DoesNotExist:
        raise Http404 from None


class IndicatorUploadDetailView(TemplateView):
    """The check of an uploaded file (before the commit) or what committing it did (after)."""

    template_name = "monitoring/import/upload.html"
    permission_required = IMPORT_PERMISSION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload = _upload(self.kwargs["pk"])
        stale = (
            upload.status == UploadStatus.CHECKED
            and upload.created_at < timezone.now() - services.CHECK_VALID_FOR
        )
        context.update(
            upload=upload,
            stale=stale,
            can_commit=upload.can_be_committed and not stale,
            errors_hidden=max(0, upload.error_count - len(upload.errors)),
            earlier=selectors.indicator_upload_committed_before(upload),
        )
        return context


class IndicatorUploadProgressView(View):
    """How far the check is, polled by htmx every second while it runs; once it has finished,
    htmx reloads the upload's page, which then shows the result."""

    permission_required = IMPORT_PERMISSION

    def get(self, request, pk: int):
        upload = _upload(pk)
        if not upload.is_checking:
            return HttpResponseClientRefresh()
        return render(request, PROGRESS_TEMPLATE, {"upload": upload})


class IndicatorUploadCommitView(View):
    """Commit a checked file: all values or none."""

    permission_required = IMPORT_PERMISSION

    def post(self, request, pk: int):
        try:
            upload = services.indicator_upload_commit(upload_id=pk, user=request.user)
        except IndicatorUpload.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("indicator_imports:upload", pk=pk)
        if upload.changes_nothing:
            messages.info(request, _("Nothing changed: every value was stored already."))
        else:
            messages.success(request, _("The values have been stored."))
        return redirect("indicator_imports:upload", pk=pk)


class IndicatorUploadDiscardView(View):
    """Drop a checked file without committing it."""

    permission_required = IMPORT_PERMISSION

    def post(self, request, pk: int):
        try:
            services.indicator_upload_discard(upload_id=pk, user=request.user)
        except IndicatorUpload.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("indicator_imports:upload", pk=pk)
        messages.info(request, _("The check was discarded; nothing was stored."))
        return redirect("indicator_imports:index")


class TemplateCsvView(View):
    """A template as a CSV file: long (a row per value) or wide (a column per indicator)."""

    permission_required = IMPORT_PERMISSION

    def get(self, request, shape: str):
        if shape not in CSV_TEMPLATES:
            raise Http404
        response = HttpResponse(CSV_TEMPLATES[shape](), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="siex-indicatoren-{shape}.csv"'
        return response


class TemplateXlsxView(View):
    """The template as a workbook, with the allowed indicator codes, their units and the areas."""

    permission_required = IMPORT_PERMISSION

    def get(self, request):
        response = HttpResponse(sheets.template_xlsx(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="siex-indicatoren.xlsx"'
        return response
