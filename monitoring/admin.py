from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "year", "parent", "inhabitants")
    list_filter = ("level", "year")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    exclude = ("geometry",)
