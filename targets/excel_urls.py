"""Excel files of the targets (included under "excel/" in the targets namespace).

``resource``: targets and tasks (export), measurements (export, template, import); anything
else is a 404.
"""

from .excel_views import EXCEL, export_view

urlpatterns = EXCEL.urlpatterns(export_view=export_view)
