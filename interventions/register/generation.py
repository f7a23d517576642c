"""The register's generation (``siex.core.cached``): figures computed over the whole register,
such as the registered intake per intervention type and year that a scenario counts, are cached
under it, and every change to households, interventions or the intervention types they name makes
a new one.

Saves and deletions through the ORM bump it by their signals (connected in
``InterventionsConfig.ready``); writes without signals (the import's COPY and UPDATE, the demo
population, retention's updates and deletions, bulk creates) call ``register_changed``
themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from interventions.catalogue.models import InterventionType
from siex.core.cached import bump

from .models import Household, Intervention

REGISTER = "register"


def register_changed(**_kwargs) -> None:
    """The register (or the intervention types it names) changed."""
    bump(REGISTER)


def connect_signals() -> None:
    for model in (Household, Intervention, InterventionType):
        post_save.connect(register_changed, sender=model, dispatch_uid=f"register-gen-s-{model}")
        post_delete.connect(register_changed, sender=model, dispatch_uid=f"register-gen-d-{model}")
