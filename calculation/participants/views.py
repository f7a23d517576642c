"""The participants page of a scenario version: the distribution of the return per household,
expected and realised, by intervention type, wijk or cohort; and its charts as downloads. Thin:
``selectors`` reads, ``presentation`` shapes per reader (suppressed for the council)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from siex.core.charts import chart_download

from .. import selectors as calculation_selectors
from ..chart_views import FILE_FORMATS
from ..realised.selectors import default_reference
from ..views import RESULTS, VersionMixin, refuse_draft
from .distribution import BASES
from .presentation import (
    CHARTS,
    DEFAULT_CHOICES,
    SEE_HOUSEHOLDS,
    basis_label,
    cached_distribution,
    participant_charts,
)


class DistributionForm(forms.Form):
    """Which breakdown the page shows: by what, expected or realised, benefits or net."""

    dimension = forms.ChoiceField(
        label=_("Breakdown"),
        choices=[("type", _("Intervention type")), ("wijk", _("Wijk")), ("cohort", _("Cohort"))],
        required=False,
    )
    basis = forms.ChoiceField(
        label=_("Return"),
        choices=[("expected", _("Expected")), ("realised", _("Realised so far"))],
        required=False,
    )
    measure = forms.ChoiceField(
        label=_("Measure"),
        choices=[("benefits", _("Benefits")), ("net", _("Benefits less costs (net)"))],
        required=False,
    )
    DEFAULTS = DEFAULT_CHOICES

    def choices(self) -> dict[str, str]:
        """The chosen values; the default for a value missing or not one of the choices."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        return {key: cleaned.get(key) or default for key, default in self.DEFAULTS.items()}


class ParticipantsMixin(VersionMixin):
    """The distribution of the version's newest finished run, as the reader may see it."""

    permission_required = RESULTS

    def distribution(self):
        version = self.get_version()
        refuse_draft(self.request.user, version)
        self.form = DistributionForm(self.request.GET or None)
        self.choices = self.form.choices()
        self.run = calculation_selectors.latest_result(version)
        self.reference = default_reference()
        self.snapshot = None
        if self.run is None:
            return None
        self.snapshot, shown = cached_distribution(
            version,
            self.run,
            reference=self.reference,
            measure=self.choices["measure"],
            basis=self.choices["basis"],
            dimension=self.choices["dimension"],
            suppress=not self.request.user.has_perm(SEE_HOUSEHOLDS),
        )
        return shown

    def file_stem(self) -> str:
        version = self.get_version()
        return f"siex-{version.scenario.code}-v{version.number}-deelnemers"


class ParticipantsView(ParticipantsMixin, TemplateView):
    """The participants page (deelnemers): classes, statistics per group and charts."""

    template_name = "calculation/participants.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = self.distribution()
        context.update(
            form=self.form,
            choices=self.choices,
            run=self.run,
            reference=self.reference,
            shown=shown,
            snapshot=self.snapshot,
        )
        if shown is not None:
            context["overall"] = [(basis_label(b), shown.overall[b]) for b in BASES]
            query = urlencode(self.choices)
            context["charts"] = [
                (
                    chart,
                    *(
                        reverse(
                            "calculation:version-participants-chart",
                            kwargs={"pk": self.get_version().pk, "key": key, "file_format": f},
                        )
                        + f"?{query}"
                        for f in FILE_FORMATS
                    ),
                )
                for key, chart in participant_charts(shown, file_stem=self.file_stem()).items()
            ]
        return context


class ParticipantsChartDownloadView(ParticipantsMixin, View):
    """One chart of the participants page as CSV or XLSX: exactly the rows the page shows the
    same reader for the same choices."""

    def get(self, request, *args, key: str, file_format: str, **kwargs):
        if key not in CHARTS or file_format not in FILE_FORMATS:
            raise Http404
        shown = self.distribution()
        if shown is None:
            raise Http404
        chart = participant_charts(shown, (key,), self.file_stem())[key]
        return chart_download(chart, file_format)
