from celery import shared_task
from django.core.management import call_command


@shared_task(name="accounts.tasks.purge_expired_sessions")
def purge_expired_sessions() -> None:
    """Delete expired sessions (database-backed sessions otherwise grow forever)."""
    call_command("clearsessions")
