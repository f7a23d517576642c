from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculationConfig(AppConfig):
    name = "calculation"
    verbose_name = _("Calculation")

    def ready(self) -> None:
        # Registers the jobs under their names (``jobs``), which the services send them by.
        from . import tasks  # noqa: F401
