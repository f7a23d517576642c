from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalculationConfig(AppConfig):
    name = "calculation"
    verbose_name = _("Calculation")

    def ready(self) -> None:
        from interventions.register.extensions import expected_return_provider_add
        from interventions.register.generation import REGISTER
        from monitoring.photos.programme import programme_provider_add
        from siex.core.start_page import start_section_add

        # Registers the jobs under their names (``jobs``), which the services send them by.
        from . import tasks  # noqa: F401
        from .dashboard import start_page as dashboard_start_page
        from .generation import CALCULATION, connect_signals
        from .household_returns import expected_return
        from .photo import expected_in, realised_in

        # The household page shows the expected return from the latest calculation.
        expected_return_provider_add(expected_return)
        # The neighbourhood photo shows what the calculation expects an area's households to bring.
        programme_provider_add(expected_in, generations=(REGISTER, CALCULATION))
        # Runs and versions: figures cached from a calculation are computed again after a change.
        connect_signals()
        programme_provider_add(realised_in)
        # The council member's start page is the dashboard.
        start_section_add(*dashboard_start_page.SECTIONS)
