"""The main navigation, one entry per capability, each shown to the roles that may use it.

Capability issues add their entries here; the template only renders what this returns.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    visible: Callable[..., bool]
    # URL prefix that marks the entry as active; defaults to the entry's own URL.
    section: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


def _anyone(user) -> bool:
    return user.is_authenticated


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Home"), "home", "house", _anyone),
    NavEntry(_("Partners"), "partners:list", "globe2", _anyone, "/partners/"),
    NavEntry(_("Agreements"), "agreements:list", "file-earmark-text", _anyone, "/agreements/"),
    NavEntry(_("Delegations"), "delegations:list", "airplane", _anyone, "/delegations/"),
    NavEntry(
        _("International conferences"),
        "delegations:conference_list",
        "easel",
        _anyone,
        "/delegations/conferences/",
    ),
    NavEntry(_("2030 targets"), "targets:overview", "bullseye", _anyone, "/targets/"),
    NavEntry(_("Assigned tasks"), "targets:task_list", "list-task", _anyone, "/targets/tasks/"),
    NavEntry(_("Reports"), "reports:index", "journal-text", _anyone, "/reports/"),
    NavEntry(_("Alerts"), "agreements:alerts", "bell", _anyone, "/agreements/alerts/"),
    NavEntry(
        _("Agencies"), "accounts:agency_list", "building", perms.can_view_all_agencies, "/agencies/"
    ),
    NavEntry(_("Administration"), "admin:index", "gear", perms.is_administrator, "/admin/"),
)


def entries_for(user, path: str) -> list[dict]:
    items = []
    for entry in ENTRIES:
        if not entry.visible(user):
            continue
        url = entry.url()
        section = entry.section or url
        matches = path == url if section == "/" else path.startswith(section)
        items.append(
            {
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "active": False,
                "_match": len(section) if matches else -1,
            }
        )
    # Only the most specific matching entry is active (/agreements/alerts/ over /agreements/).
    best = max(items, key=lambda item: item["_match"], default=None)
    for item in items:
        item["active"] = best is not None and item is best and item["_match"] >= 0
        del item["_match"]
    return items
