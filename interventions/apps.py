from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions and households")

    def ready(self) -> None:
        from monitoring.photos.programme import programme_provider_add
        from siex.core.start_page import start_section_add
        from siex.core.tasks import ping_count_add

        from . import audit  # noqa: F401  (registers the change history)
        from .catalogue import start_page as catalogue_start_page
        from .exchange import tasks  # noqa: F401  (registers the import's job with Celery)
        from .followup.views import follow_up_section
        from .register import photo as register_photo
        from .register import start_page as register_start_page
        from .register.extensions import household_freeze_add, household_section_add
        from .register.generation import REGISTER, connect_signals
        from .register.models import Household
        from .retention import tasks as retention_tasks  # noqa: F401  (the daily retention job)
        from .retention.selectors import household_anonymised_reason

        # Figures cached over the whole register are recomputed after every change to it.
        connect_signals()
        household_section_add(follow_up_section)
        household_freeze_add(household_anonymised_reason)
        start_section_add(*register_start_page.SECTIONS, *catalogue_start_page.SECTIONS)
        # A worker answering a ping counts the households, to show it reads the same database.
        ping_count_add("households", Household.objects.count)
        # The neighbourhood photo shows an area's participants, interventions and spend.
        programme_provider_add(register_photo.programme_in, generations=(REGISTER,))
