from django.urls import include, path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_remove, name="task_delete"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("excel/", include("targets.excel_urls")),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/measurements/new/", views.measurement_enter, name="measurement_enter"),
    path(
        "measurements/<int:pk>/evidence/",
        views.measurement_evidence,
        name="measurement_evidence",
    ),
]
