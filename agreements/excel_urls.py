"""Excel templates, exports and imports (included under "excel/" in the agreements namespace).

``resource`` is one of partners, agreements, outputs (anything else is a 404).
"""

from django.urls import path

from . import excel

urlpatterns = [
    path("<str:resource>/export/", excel.export_view, name="excel_export"),
    path("<str:resource>/template/", excel.template_view, name="excel_template"),
    path("<str:resource>/import/", excel.import_view, name="excel_import"),
    path("<str:resource>/import/confirm/", excel.import_confirm_view, name="excel_import_confirm"),
]
