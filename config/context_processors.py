from django.conf import settings
from django.http import HttpRequest

from .navigation import entries_for


def portal(request: HttpRequest) -> dict:
    """The province's identity (settings.PORTAL) and the user's navigation."""
    user = getattr(request, "user", None)
    return {
        "portal": settings.PORTAL,
        "nav_entries": entries_for(user, request.path) if user is not None else [],
    }
