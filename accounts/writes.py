"""Forgetting what a cache holds when the records it was made of are written."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def forget_on_writes(models: Iterable, forget: Callable[[], None], *, uid: str) -> None:
    """Call ``forget`` whenever one of ``models`` is saved or deleted, or one of its
    many-to-many links changes: at once, and again once the change is committed (a page
    reading meanwhile, which does not see the change yet, may have cached what was there
    before it). Bulk writes send no signal: their callers forget themselves, or the cache's
    expiry bounds how long they go unseen."""

    def receiver(sender, **kwargs) -> None:
        forget()
        transaction.on_commit(forget)

    for model in models:
        label = f"{uid}-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{label}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{label}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                receiver,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{label}-{field.name}",
            )
