from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agreement,
    AgreementDocument,
    EvaluationCriterion,
    FieldOfCooperation,
    LegalNotice,
    Output,
    Review,
)


@admin.register(FieldOfCooperation)
class FieldOfCooperationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en"]


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "max_score", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    """Read-mostly: agreements are edited in the portal, where the services apply the rules."""

    list_display = ["number", "title_vi", "kind", "state", "signed_on", "end_on", "lead_agency"]
    list_filter = ["state", "kind", "signing_level"]
    search_fields = ["number", "title_vi", "search_text"]
    list_select_related = ["lead_agency"]
    readonly_fields = [f.name for f in Agreement._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


admin.site.register([Output, Review, LegalNotice, AgreementDocument], SimpleHistoryAdmin)
