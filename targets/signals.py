"""Forget the cached computed figures (and lists of records) when a record they count is
saved, deleted or linked.

A side effect only: the figures are right within ``services.COMPUTED_CACHE_SECONDS`` anyway
(bulk writes send no signal).
"""

from __future__ import annotations

from django.apps import apps

from accounts.writes import forget_on_writes

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


def connect() -> None:
    from .services import computed_values_forget

    # The lists of records are kept per user: an agreement's coordinating agencies (a
    # many-to-many link) decide who sees it, so link changes are writes too.
    forget_on_writes(
        (apps.get_model(label) for label in COUNTED_MODELS),
        computed_values_forget,
        uid="targets-forget",
    )
