from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/measurements/new/", views.measurement_enter, name="measurement_enter"),
]
