"""Admin for the catalogue (superusers only: the project lead maintains it in SIEX itself).

The follow-up's instruments are here too: data that another municipality adapts. Households,
interventions and follow-up records are deliberately not in the admin: household data is reached
only through the register pages and API, where access is logged.
"""

from django.contrib import admin

from interventions.catalogue.models import (
    Actor,
    BudgetLine,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    LifeDomainMapping,
    Outcome,
    OutcomeValue,
)
from interventions.followup.models import Instrument, InstrumentDomain, InstrumentLevel


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_nl", "sector", "is_municipality")
    inlines = [BudgetLineInline]


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
