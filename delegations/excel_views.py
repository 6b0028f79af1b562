"""Excel templates, exports and imports of plan items, delegations and conferences.

The generic pages of ``agreements.excel_views`` with this app's resources, titles and
permission. Import: officials only; export and templates: anyone signed in.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts import permissions as perms
from agreements.excel_views import ExcelViews

from .resources import RESOURCES

TITLES = {
    "plans": gettext_lazy("Planned delegations"),
    "delegations": gettext_lazy("Delegations"),
    "conferences": gettext_lazy("International conferences"),
}

EXCEL = ExcelViews(
    namespace="delegations",
    resources=RESOURCES,
    titles=TITLES,
    can_import=perms.is_official,
    pending_prefix="delegations.",
)
