"""Excel templates, exports and imports (included under "excel/" in the delegations namespace).

``resource`` is one of plans, delegations, conferences (anything else is a 404).
"""

from .excel_views import EXCEL

urlpatterns = EXCEL.urlpatterns()
