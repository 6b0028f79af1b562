from django.urls import path

from . import views

urlpatterns = [
    path("", views.DelegationListView.as_view(), name="list"),
    path("new/", views.DelegationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.delegation_detail, name="detail"),
    path("<int:pk>/edit/", views.DelegationUpdateView.as_view(), name="update"),
    path("<int:pk>/approve/", views.delegation_approve, name="approve"),
    path("<int:pk>/set-aside/", views.delegation_set_aside, name="set_aside"),
    path("<int:pk>/results/", views.DelegationResultsView.as_view(), name="results"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/items/new/", views.PlanItemFormView.as_view(), name="plan_item_create"),
    path(
        "plans/<int:pk>/items/<int:item_pk>/edit/",
        views.PlanItemFormView.as_view(),
        name="plan_item_update",
    ),
    path("plan-vs-actual/", views.plan_vs_actual, name="plan_vs_actual"),
    path("calendar/", views.delegation_calendar, name="calendar"),
]
