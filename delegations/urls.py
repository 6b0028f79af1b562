from django.urls import include, path

app_name = "delegations"
urlpatterns = [
    path("conferences/", include("delegations.conference_urls")),
    path("excel/", include("delegations.excel_urls")),
    path("", include("delegations.delegation_urls")),
]
