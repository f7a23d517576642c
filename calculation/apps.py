from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculationConfig(AppConfig):
    name = "calculation"
    verbose_name = _("Calculation")
