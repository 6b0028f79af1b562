from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/measurements/new/", views.measurement_enter, name="measurement_enter"),
]
