from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name_vi", "name_native", "kind", "country", "relation_status", "is_twinned"]
    list_filter = ["kind", "relation_status", "is_twinned", "country"]
    search_fields = ["name_vi", "name_native", "abbreviation"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
