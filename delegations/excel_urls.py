"""Excel templates, exports and imports (included under "excel/" in the delegations namespace).

``resource`` is one of plans, delegations, conferences (anything else is a 404).
"""

from django.urls import path

from . import excel_views

urlpatterns = [
    path("<str:resource>/export/", excel_views.export_view, name="excel_export"),
    path("<str:resource>/template/", excel_views.template_view, name="excel_template"),
    path("<str:resource>/import/", excel_views.import_view, name="excel_import"),
    path(
        "<str:resource>/import/confirm/",
        excel_views.import_confirm_view,
        name="excel_import_confirm",
    ),
]
