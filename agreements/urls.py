from django.urls import include, path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("new/", views.AgreementCreateView.as_view(), name="create"),
    path("reviews/", views.ReviewCoverageView.as_view(), name="review_coverage"),
    path("reference-lists/", views.ReferenceListsView.as_view(), name="reference_lists"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="update"),
    path("<int:pk>/events/<str:kind>/", views.EventCreateView.as_view(), name="event_create"),
    path("<int:pk>/notices/<int:notice_pk>/done/", views.notice_done, name="notice_done"),
    path("<int:pk>/outputs/new/", views.OutputCreateView.as_view(), name="output_create"),
    path(
        "<int:pk>/outputs/<int:output_pk>/edit/",
        views.OutputUpdateView.as_view(),
        name="output_update",
    ),
    path(
        "<int:pk>/outputs/<int:output_pk>/progress/",
        views.OutputProgressView.as_view(),
        name="output_progress",
    ),
    path("<int:pk>/reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("<int:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"
    ),
    path("excel/", include("agreements.excel_urls")),
    path("alerts/", include("agreements.alert_urls")),
    path("", include("agreements.dossier_urls")),
]
