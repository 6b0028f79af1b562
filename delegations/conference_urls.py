from django.urls import path

from . import conference_views as views

# Included at /delegations/conferences/ in the "delegations" namespace.
urlpatterns = [
    path("", views.ConferenceListView.as_view(), name="conference_list"),
    path("new/", views.ConferenceCreateView.as_view(), name="conference_create"),
    path("annual-report/", views.conference_annual_report, name="conference_annual_report"),
    path("<int:pk>/", views.conference_detail, name="conference_detail"),
    path("<int:pk>/edit/", views.ConferenceUpdateView.as_view(), name="conference_update"),
    path("<int:pk>/decide/", views.conference_decide, name="conference_decide"),
    path("<int:pk>/results/", views.ConferenceResultsView.as_view(), name="conference_results"),
]
