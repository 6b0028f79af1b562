"""Middleware of the portal's users."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

# Where the session keeps when its expiry was last pushed forward (epoch seconds).
TOUCHED_KEY = "_touched_at"


def session_idle_middleware(get_response):
    """Sessions end after SESSION_COOKIE_AGE of inactivity: a signed-in user's request
    pushes the expiry forward, but at most once every SESSION_REFRESH_SECONDS, so that a
    page is not a database write (Django's SESSION_SAVE_EVERY_REQUEST writes the session on
    every request: three of a page's queries and a commit). The idle time is thus ended
    within SESSION_REFRESH_SECONDS of its exact value. Sits just below SessionMiddleware,
    which saves a session that was changed."""

    refresh = settings.SESSION_REFRESH_SECONDS

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(TOUCHED_KEY, 0) >= refresh:
                session[TOUCHED_KEY] = now
        return response

    return middleware
