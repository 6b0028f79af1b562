from django.urls import path

from . import dossier_views

urlpatterns = [
    path("<int:pk>/dossier/", dossier_views.dossier_start, name="dossier_start"),
    path("dossier/<int:job_pk>/", dossier_views.dossier_status, name="dossier_status"),
    path(
        "dossier/<int:job_pk>/download/",
        dossier_views.dossier_download,
        name="dossier_download",
    ),
]
