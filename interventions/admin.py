"""Admin for the catalogue (superusers only: the project lead maintains it in SIEX itself).

The follow-up's instruments are here too: data that another municipality adapts. Households,
interventions and follow-up records are deliberately not in the admin: household data is reached
only through the register pages and API, where access is logged. The retention runs are (read
only): they hold counts, never a household.
"""

from django.contrib import admin

from interventions.catalogue.models import (
    Actor,
    ActorGroup,
    BudgetLine,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    LifeDomainMapping,
    Outcome,
    OutcomeValue,
)
from interventions.followup.models import Instrument, InstrumentDomain, InstrumentLevel
from interventions.retention.models import RetentionRun


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "group", "is_municipality")
    list_filter = ("group",)
    inlines = [BudgetLineInline]


@admin.register(ActorGroup)
class ActorGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "sort_order")


class LifeDomainMappingInline(admin.TabularInline):
    model = LifeDomainMapping
    extra = 0


@admin.register(LifeDomain)
class LifeDomainAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "sort_order")
    inlines = [LifeDomainMappingInline]


class OutcomeValueInline(admin.TabularInline):
    model = OutcomeValue
    extra = 0


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "life_domain", "confidence_grade", "duration_years")
    list_filter = ("life_domain", "confidence_grade")
    search_fields = ("code", "name_nl", "name_en")
    inlines = [OutcomeValueInline]


class InterventionOutcomeInline(admin.TabularInline):
    model = InterventionOutcome
    extra = 0


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "unit_cost", "paying_actor", "is_active")
    list_filter = ("life_domain", "is_active")
    search_fields = ("code", "name_nl", "name_en", "provider")
    inlines = [InterventionOutcomeInline]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "trigger",
        "mode",
        "retention_years",
        "cutoff",
        "term_expired",
        "consent_withdrawn",
        "anonymised",
        "deleted",
    )
    list_filter = ("trigger", "mode")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InstrumentDomainInline(admin.TabularInline):
    model = InstrumentDomain
    extra = 0


class InstrumentLevelInline(admin.TabularInline):
    model = InstrumentLevel
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "min_score", "max_score", "sort_order")
    inlines = [InstrumentDomainInline, InstrumentLevelInline]
