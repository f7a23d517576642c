"""The audit pages: the access log (the administrator's) and the change history, filtered, newest
first, "load more" without counting, and their CSV and Excel downloads (themselves logged as
exports). Each reader of the change history finds there, and downloads, only the kinds of record
their role may read (``selectors.change_history_entries``)."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import exports, presentation, selectors
from .filters import AccessLogFilter, ChangeHistoryFilter
from .services import log_access

VIEW = "siex.view_audit_log"
VIEW_CHANGES = "siex.view_change_history"
# A download holds at most this many log entries, newest first; narrow the filter for older ones.
EXPORT_MAX_ROWS = 50_000
EXPORT_CHUNK = 2_000


def _cursor(request) -> int | None:
    try:
        value = int(request.GET.get("before", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _filter_query(request) -> str:
    """The current filter as a query string, without the page cursor (for links)."""
    query = request.GET.copy()
    query.pop("before", None)
    query.pop("format", None)
    return query.urlencode()


class AuditPageView(TemplateView):
    """A filtered log, newest first, one page at a time; htmx asks for the next rows only."""

    permission_required = VIEW
    filterset_class = None

    def entries(self):
        raise NotImplementedError

    def rows(self, entries: list) -> list[dict]:
        raise NotImplementedError

    def after_page(self, rows: list) -> None:
        """Hook: record that the page was read (the change history shows household data)."""

    def get_filterset(self):
        return self.filterset_class(self.request.GET, queryset=self.entries(), request=self.request)

    def get_template_names(self):
        if self.request.htmx and _cursor(self.request) is not None:
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = kwargs.get("filterset") or self.get_filterset()
        rows, next_cursor = [], None
        if filterset.is_valid():
            page = selectors.keyset_page(filterset.qs, before=_cursor(self.request))
            rows = self.rows(page.rows)
            next_cursor = page.next_cursor
            self.after_page(page.rows)
        filter_query = _filter_query(self.request)
        context.update(
            filterset=filterset,
            form=filterset.form,
            rows=rows,
            next_cursor=next_cursor,
            filter_query=filter_query,
            first_page=_cursor(self.request) is None,
            usernames=selectors.usernames(),
            export_max_rows=EXPORT_MAX_ROWS,
        )
        return context


class AccessLogView(AuditPageView):
    template_name = "audit/access_log.html"
    filterset_class = AccessLogFilter

    def entries(self):
        return selectors.access_log_entries()

    def rows(self, entries):
        return presentation.access_rows(entries)


class ChangeHistoryView(AuditPageView):
    template_name = "audit/changes.html"
    filterset_class = ChangeHistoryFilter
    permission_required = VIEW_CHANGES

    def entries(self):
        return selectors.change_history_entries(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = selectors.change_history_model_choices(self.request.user)
        context["kinds"] = ", ".join(name.lower() for _label, name in choices)
        return context

    def rows(self, entries):
        return presentation.change_rows(entries)

    def after_page(self, rows):
        # The change history shows the values of household records: reading it is an access.
        log_access(
            self.request,
            action="list",
            model="auditlog.logentry",
            object_ids=[entry.pk for entry in rows],
            query=self.request.GET,
            result_count=len(rows),
        )


class AuditExportView(TemplateView):
    """The filtered log as CSV or Excel; the download is itself an access, and is logged."""

    permission_required = VIEW
    page_view = None
    logged_model = ""
    filename = ""
    title = ""

    def headers(self) -> list[str]:
        raise NotImplementedError

    def export_rows(self, entries: list) -> list[list]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", "csv")
        if file_format not in exports.FORMATS:
            return HttpResponseBadRequest(_("Choose CSV or Excel (xlsx)."))
        page = self.page_view(request=request, args=args, kwargs=kwargs)
        filterset = page.get_filterset()
        if not filterset.is_valid():
            response = page.render_to_response(page.get_context_data(filterset=filterset))
            response.status_code = 400
            return response
        queryset = filterset.qs.order_by("-timestamp", "-pk")[: EXPORT_MAX_ROWS + 1]
        ids, rows, chunk, truncated = [], [], [], False
        for entry in queryset.iterator(chunk_size=EXPORT_CHUNK):
            if len(ids) + len(chunk) == EXPORT_MAX_ROWS:
                truncated = True
                break
            chunk.append(entry)
            if len(chunk) == EXPORT_CHUNK:
                rows.extend(self.export_rows(chunk))
                ids.extend(item.pk for item in chunk)
                chunk = []
        rows.extend(self.export_rows(chunk))
        ids.extend(item.pk for item in chunk)
        if truncated:
            rows.append([_("More entries match: narrow the filter to download the older ones.")])
        log_access(
            request,
            action="export",
            model=self.logged_model,
            object_ids=ids,
            query=request.GET,
            result_count=len(ids),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return exports.download(
            headers=self.headers(),
            rows=rows,
            file_format=file_format,
            filename=f"{self.filename}-{stamp}",
            title=self.title,
        )


class AccessLogExportView(AuditExportView):
    page_view = AccessLogView
    logged_model = "audit.accesslogentry"

    @property
    def filename(self):
        return _("access-log")

    @property
    def title(self):
        return _("Access log")

    def headers(self):
        return presentation.access_headers()

    def export_rows(self, entries):
        return presentation.access_export_rows(entries)


class ChangeHistoryExportView(AuditExportView):
    page_view = ChangeHistoryView
    permission_required = VIEW_CHANGES
    logged_model = "auditlog.logentry"

    @property
    def filename(self):
        return _("change-history")

    @property
    def title(self):
        return _("Change history")

    def headers(self):
        return presentation.change_headers()

    def export_rows(self, entries):
        return presentation.change_export_rows(entries)
