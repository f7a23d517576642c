"""The neighbourhood photo pages: an area's photo at a chosen date, keeping it (vastleggen), the
kept photos, one kept photo, comparing two, deleting one, and the downloads. Council members read
the kept photos (aggregates only, the programme's small counts hidden)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from siex.core.forms import DateField
from siex.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from siex.core.templatetags.siex import short_date

from ..models import Area
from ..selectors import area_latest
from ..views import _areas_to_choose
from . import charts, display, export, selectors, services
from .models import PhotoSnapshot
from .presentation import photo_for


def _chosen_date(text: str | None) -> date:
    """The date typed as on every page (31-03-2026; also 2026-03-31 from a link); today when none
    is given. A date that cannot be read raises ValidationError (the page shows it)."""
    return DateField(required=False).clean(text) or timezone.localdate()


def _date_or_today(text: str | None) -> tuple[date, str]:
    """(the chosen date, or today when it cannot be read; the message when it cannot)."""
    try:
        return _chosen_date(text), ""
    except ValidationError as error:
        return timezone.localdate(), " ".join(error.messages)


def _area(code: str) -> Area:
    area = area_latest(code=code)
    if area is None:
        raise Http404
    return area


def _photo_context(content: dict, user) -> dict:
    shown = photo_for(content, user)
    return {
        "photo": shown,
        "rows": display.indicator_rows(shown),
        "programme": shown["programme"],
        "photo_date": date.fromisoformat(content["date"]),
    }


def _chart_context(
    content: dict, request, *, stem: str, url_name: str, args: list, query: dict[str, str]
) -> dict:
    """The photo's charts of the chosen indicator (the first poverty one when none), each with
    the addresses of its downloads (the same photo and indicator), and the indicators to choose."""
    indicator = request.GET.get("indicator") or charts.default_indicator(content)
    query = {**query, "indicator": indicator or ""}
    return {
        "chart_indicator": indicator,
        "chart_indicators": charts.indicator_choices(content),
        "charts": [
            {
                "chart": chart,
                **{
                    file_format: reverse(url_name, args=[*args, chart.key, file_format])
                    + "?"
                    + urlencode(query)
                    for file_format in ("csv", "xlsx")
                },
            }
            for chart in charts.area_charts(content, indicator, file_stem=stem).values()
        ],
    }


class AreaPhotoView(TemplateView):
    """The photo of an area at the chosen date (today when none), live from the current values."""

    template_name = "monitoring/photos/area.html"
    permission_required = "monitoring.view_neighbourhood_photo"

    def get(self, request, *args, **kwargs):
        chosen = (request.GET.get("gebied") or "").strip().upper()
        if chosen and chosen != kwargs["code"].upper():
            target = _area(chosen)
            day, _problem = _date_or_today(request.GET.get("datum"))
            url = reverse("photos:area", args=[target.code])
            query = {"datum": day.isoformat()}
            if request.GET.get("indicator"):
                query["indicator"] = request.GET["indicator"]
            return redirect(f"{url}?{urlencode(query)}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = _area(kwargs["code"])
        typed = self.request.GET.get("datum")
        on_date, date_error = _date_or_today(typed)
        content = selectors.area_photo(area=area, on_date=on_date)
        context.update(
            _photo_context(content, self.request.user),
            **_chart_context(
                content,
                self.request,
                stem=f"wijkfoto-{area.code}-{on_date:%Y-%m-%d}",
                url_name="photos:area-chart",
                args=[area.code],
                query={"datum": on_date.isoformat()},
            ),
            area=area,
            on_date=on_date,
            date_typed=typed if date_error else short_date(on_date),
            date_error=date_error,
            areas=_areas_to_choose(),
            may_take=self.request.user.has_perm("monitoring.take_photos"),
        )
        return context


class PhotoTakeView(View):
    """Foto vastleggen: keep the photo of the area at the date as it is now."""

    permission_required = "monitoring.take_photos"

    def post(self, request, code: str):
        area = _area(code)
        try:
            on_date = _chosen_date(request.POST.get("datum"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("photos:area", code=area.code)
        title = request.POST.get("title", "")[:200]
        try:
            photo = services.photo_take(area=area, on_date=on_date, title=title, user=request.user)
        except ValidationError:
            messages.error(request, _("The photo was not kept: the title is not valid."))
            return redirect("photos:area", code=area.code)
        messages.success(request, _("The photo has been kept."))
        return redirect("photos:detail", pk=photo.pk)


class PhotoListView(TemplateView):
    template_name = "monitoring/photos/list.html"
    permission_required = "monitoring.view_photos"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = (self.request.GET.get("gebied") or "").strip().upper()
        context.update(
            photos=list(selectors.photos_kept(area_code=code or None)[:200]),
            area_code=code,
            areas=_areas_to_choose(),
            may_see_live=self.request.user.has_perm("monitoring.view_neighbourhood_photo"),
        )
        return context


class PhotoDetailView(TemplateView):
    template_name = "monitoring/photos/detail.html"
    permission_required = "monitoring.view_photos"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kept = get_object_or_404(
            PhotoSnapshot.objects.select_related("area", "taken_by"), pk=kwargs["pk"]
        )
        context.update(
            _photo_context(kept.content, self.request.user),
            **_chart_context(
                kept.content,
                self.request,
                stem=f"wijkfoto-{kept.area.code}-{kept.date:%Y-%m-%d}",
                url_name="photos:chart",
                args=[kept.pk],
                query={},
            ),
            kept=kept,
            others=selectors.photos_kept(area_code=kept.area.code).exclude(pk=kept.pk),
            may_delete=self.request.user.has_perm("monitoring.delete_photos", kept),
        )
        return context


class PhotoDeleteView(View):
    permission_required = "monitoring.delete_photos"

    def post(self, request, pk: int):
        kept = get_object_or_404(PhotoSnapshot, pk=pk)
        services.photo_delete(photo=kept, user=request.user)
        messages.success(request, _("The kept photo has been deleted."))
        return redirect("photos:list")


class PhotoCompareView(TemplateView):
    """Two kept photos of one area side by side, the earlier first."""

    template_name = "monitoring/photos/compare.html"
    permission_required = "monitoring.view_photos"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = [self.request.GET.get("eerste"), self.request.GET.get("tweede")]
        if not all(value and value.isdigit() for value in ids):
            raise Http404
        photos = sorted(
            (
                get_object_or_404(PhotoSnapshot.objects.select_related("area"), pk=int(i))
                for i in ids
            ),
            key=lambda photo: (photo.date, photo.taken_at),
        )
        first, second = photos
        if first.area.code != second.area.code:
            context.update(first=first, second=second, other_areas=True, rows=[])
            return context
        rows = selectors.photos_compared(first.content, second.content)
        context.update(first=first, second=second, rows=display.comparison_rows(rows))
        return context


def _download(content: dict, user, *, stem: str, title: str, file_format: str) -> HttpResponse:
    shown = photo_for(content, user)
    english = (get_language() or "nl").startswith("en")
    if file_format == "csv":
        body: str | bytes = export.photo_csv(shown, english=english)
        content_type = CSV_CONTENT_TYPE
    elif file_format == "xlsx":
        body = export.photo_xlsx(shown, title=title, english=english)
        content_type = XLSX_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


class PhotoDownloadView(View):
    """A kept photo as CSV or XLSX (hidden counts stay hidden)."""

    permission_required = "monitoring.view_photos"

    def get(self, request, pk: int, file_format: str):
        kept = get_object_or_404(PhotoSnapshot.objects.select_related("area"), pk=pk)
        stem = f"wijkfoto-{kept.area.code}-{kept.date:%Y-%m-%d}"
        return _download(
            kept.content, request.user, stem=stem, title=kept.area.code, file_format=file_format
        )


class AreaPhotoDownloadView(View):
    """The photo of an area at the chosen date as CSV or XLSX."""

    permission_required = "monitoring.view_neighbourhood_photo"

    def get(self, request, code: str, file_format: str):
        area = _area(code)
        try:
            on_date = _chosen_date(request.GET.get("datum"))
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain")
        content = selectors.area_photo(area=area, on_date=on_date)
        stem = f"wijkfoto-{area.code}-{on_date:%Y-%m-%d}"
        return _download(content, request.user, stem=stem, title=area.code, file_format=file_format)
