"""Data of the calculation that another municipality adapts, in the admin (superusers only): which
indicator gives the base rate of which outcome among non-participants (the comparison group of
the realised returns, ``calculation.realised``)."""

from django.contrib import admin

from .models import ComparisonBase


@admin.register(ComparisonBase)
class ComparisonBaseAdmin(admin.ModelAdmin):
    list_display = ("outcome_code", "indicator_code", "area_code", "note")
    search_fields = ("outcome_code", "indicator_code", "area_code")
