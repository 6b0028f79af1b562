"""Excel templates, exports and imports (included under "excel/" in the agreements namespace).

``resource`` is one of partners, agreements, outputs (anything else is a 404). Import: those
who may edit agreements; export and templates: anyone signed in (agreements and outputs
limited to what the user may see).
"""

from .excel import RESOURCES, TITLES
from .excel_views import ExcelViews
from .permissions import can_edit_agreement

EXCEL = ExcelViews(
    namespace="agreements", resources=RESOURCES, titles=TITLES, can_import=can_edit_agreement
)

urlpatterns = EXCEL.urlpatterns()
