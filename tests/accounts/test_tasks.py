from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions


@pytest.mark.django_db
def test_purge_expired_sessions_keeps_live_ones():
    live = SessionStore()
    live["k"] = 1
    live.create()
    expired = SessionStore()
    expired["k"] = 2
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    purge_expired_sessions()

    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}
