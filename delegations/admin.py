from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Conference, Delegation, DelegationMember, DelegationPlan, PlanItem


class MemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0


@admin.register(Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "direction", "country", "planned_start", "state", "host_agency"]
    list_filter = ["direction", "state", "purpose"]
    search_fields = ["title", "head_name"]
    list_select_related = ["host_agency"]
    inlines = [MemberInline]


admin.site.register([DelegationPlan, PlanItem, Conference], SimpleHistoryAdmin)
