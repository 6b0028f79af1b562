from django.urls import path

from . import consolidated_views as consolidated
from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("periods/new/", views.period_create, name="period_create"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/write/", views.report_start, name="report_start"),
    path("agency/<int:pk>/", views.report_detail, name="report_detail"),
    path("agency/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("agency/<int:pk>/autosave/", views.report_autosave, name="report_autosave"),
    path("agency/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("agency/<int:pk>/return/", views.report_return, name="report_return"),
    path("agency/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("consolidated/", consolidated.consolidated_list, name="consolidated_list"),
    path("consolidated/start/", consolidated.consolidated_start, name="consolidated_start"),
    path("consolidated/<int:pk>/", consolidated.consolidated_detail, name="consolidated_detail"),
    path(
        "consolidated/<int:pk>/regenerate/",
        consolidated.consolidated_regenerate,
        name="consolidated_regenerate",
    ),
    path("consolidated/<int:pk>/subject/", consolidated.subject_edit, name="subject_edit"),
    path(
        "consolidated/<int:pk>/sections/<slug:key>/",
        consolidated.section_edit,
        name="section_edit",
    ),
    path(
        "consolidated/<int:pk>/issue/", consolidated.consolidated_issue, name="consolidated_issue"
    ),
    path("issued/<int:pk>/pdf/", consolidated.issued_pdf, name="issued_pdf"),
]
