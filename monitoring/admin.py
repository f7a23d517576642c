from django.contrib import admin

from .models import (
    Area,
    AreaCrosswalk,
    ContextNote,
    Indicator,
    IndicatorValue,
    IndicatorValueImport,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "division", "year", "valid_from", "valid_to", "parent")
    list_filter = ("level", "division", "year")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    exclude = ("geometry",)


@admin.register(AreaCrosswalk)
class AreaCrosswalkAdmin(admin.ModelAdmin):
    list_display = ("from_area", "to_area", "share", "note")
    raw_id_fields = ("from_area", "to_area")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "valid_from", "label_nl", "unit", "theme", "direction")
    list_filter = ("theme", "unit")
    search_fields = ("code", "label_nl", "label_en")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "area", "period", "value", "withheld", "status")
    list_filter = ("status", "withheld", "period")
    search_fields = ("indicator__code", "area__code")
    raw_id_fields = ("indicator", "area", "batch")
    show_full_result_count = False


@admin.register(IndicatorValueImport)
class IndicatorValueImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "imported_at", "imported_by", "created", "updated", "withheld")
    readonly_fields = [field.name for field in IndicatorValueImport._meta.fields]


@admin.register(ContextNote)
class ContextNoteAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "period_from", "period_to", "area")
    raw_id_fields = ("area",)
