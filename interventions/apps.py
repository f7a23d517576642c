from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions and households")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers the change history)
        from .exchange import tasks  # noqa: F401  (registers the import's job with Celery)
