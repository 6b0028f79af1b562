"""Forget the cached computed figures (and lists of records) when a record they count is
saved, deleted or linked.

A side effect only: the figures are right within ``services.COMPUTED_CACHE_SECONDS`` anyway
(bulk writes send no signal).
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# What the computed figures count (see services.computed_records and _figure_expressions),
# and the targets themselves.
COUNTED_MODELS = (
    "agreements.Agreement",
    "agreements.Review",
    "partners.Partner",
    "delegations.Delegation",
    "delegations.Conference",
    "targets.Target",
)


def _forget(sender, **kwargs) -> None:
    from .services import computed_values_forget

    # Now, and again once the change is committed: a page counting meanwhile, which does not
    # see the change yet, may have kept the figures from before it.
    computed_values_forget()
    transaction.on_commit(computed_values_forget)


def connect() -> None:
    for label in COUNTED_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_forget, sender=model, dispatch_uid=f"targets-forget-{label}")
        # The lists of records are kept per user: an agreement's coordinating agencies decide
        # who sees it.
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _forget,
                sender=field.remote_field.through,
                dispatch_uid=f"targets-forget-{label}-{field.name}",
            )
