from django.urls import path

from . import lookup, views

app_name = "partners"
urlpatterns = [
    path("", views.PartnerListView.as_view(), name="list"),
    path("lookup/", lookup.partner_lookup, name="lookup"),
    path("new/", views.PartnerFormView.as_view(), name="create"),
    path("<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnerFormView.as_view(), name="update"),
]
