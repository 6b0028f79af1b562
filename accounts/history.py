"""Per-record change history on top of django-simple-history: readable diffs and restore.

simple-history writes one historical row per save and one per many-to-many change (each row
also snapshots the many-to-many sets). A single edit through a service therefore leaves
several rows a few milliseconds apart: the page folds the rows written by many-to-many changes
into the entry of the save just before them (same user, same reason, same field values —
including ``updated_at``, which every save moves), and an entry's version is the state after
its last row.

The registry maps a URL slug to a model and its two permission predicates; apps do not need
to know about this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_history_manager_for_model, get_m2m_reverse_field_name

from accounts.errors import DomainError

PER_PAGE = 50
# Rows of one service call are milliseconds apart; a many-to-many row later than this after the
# save is a change of its own.
GROUP_WINDOW = timedelta(seconds=5)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------
Predicate = Callable[[Any, models.Model], bool]


@dataclass(frozen=True)
class HistoryKind:
    """What the history pages need to know about one model."""

    slug: str
    model: type[models.Model]
    can_view: Predicate
    can_restore: Predicate
    select_related: tuple[str, ...] = ()
    # Fields an edit cannot change either (e.g. an agreement's lifecycle state, which only
    # moves by recording an event).
    restore_exclude: frozenset[str] = frozenset()
    # Domain checks with readable messages, run before full_clean(); raise DomainError.
    check: Callable[[Any], None] | None = None
    # Side effects after a restore (derived data such as search text).
    after_restore: Callable[[Any], None] | None = None
    restore_note: Any = ""
    # Many-to-many fields whose targets are scoped to the reader: field name -> (user) ->
    # the queryset of the targets that user may see. The page leaves the others out.
    scoped_m2m: tuple[tuple[str, Callable[[Any], models.QuerySet]], ...] = ()

    def get_object(self, pk: int) -> models.Model:
        return self.model._default_manager.select_related(*self.select_related).get(pk=pk)


def _logged_in(user, obj) -> bool:
    """Partners are readable by every logged-in user."""
    return bool(user.is_authenticated)


def _check_partner(partner) -> None:
    from partners.services import partner_check

    partner_check(partner)


def _after_partner_restore(partner) -> None:
    # Agreements are found by their partners' names too.
    from agreements.services import agreement_refresh_search

    for agreement in partner.agreements.all():
        agreement_refresh_search(agreement)


def _check_agreement(agreement) -> None:
    from agreements.services import agreement_check_number_free

    agreement_check_number_free(agreement)


def _after_agreement_restore(agreement) -> None:
    from agreements.services import agreement_refresh_search

    agreement_refresh_search(agreement)


def _can_view_output(user, output) -> bool:
    """Whoever can view the output's agreement."""
    from agreements.permissions import can_view_agreement

    return can_view_agreement(user, output.agreement)


def _agreements_visible_to(user) -> models.QuerySet:
    from agreements.models import Agreement

    return Agreement.objects.visible_to(user)


def _can_restore_output(user, output) -> bool:
    """Whoever can edit the output's agreement (officials)."""
    from agreements.permissions import can_edit_agreement

    return can_edit_agreement(user, output.agreement)


@cache
def registry() -> dict[str, HistoryKind]:
    # Imported here: accounts is the base app and must not import the others at load time.
    from agreements.models import Agreement, Output
    from agreements.permissions import can_edit_agreement, can_view_agreement
    from delegations.models import Conference, Delegation
    from delegations.permissions import can_edit_conference, can_edit_delegation
    from partners.models import Partner

    kinds = [
        HistoryKind(
            slug="partner",
            model=Partner,
            can_view=_logged_in,
            can_restore=can_edit_agreement,  # officials, as for editing a partner
            select_related=("parent",),
            check=_check_partner,
            after_restore=_after_partner_restore,
        ),
        HistoryKind(
            slug="agreement",
            model=Agreement,
            can_view=can_view_agreement,
            can_restore=can_edit_agreement,
            select_related=("lead_agency",),
            restore_exclude=frozenset({"state"}),
            check=_check_agreement,
            after_restore=_after_agreement_restore,
            restore_note=gettext_lazy(
                "Restoring a version does not change the agreement's state: "
                "the state only changes by recording an event."
            ),
        ),
        HistoryKind(
            slug="output",
            model=Output,
            can_view=_can_view_output,
            can_restore=_can_restore_output,
            select_related=("agreement",),
            restore_exclude=frozenset({"agreement"}),
        ),
        HistoryKind(
            slug="delegation",
            model=Delegation,
            can_view=_logged_in,
            can_restore=can_edit_delegation,
            select_related=("host_agency",),
            restore_exclude=frozenset({"state"}),
            # Everyone reads delegations, not every agreement signed during one.
            scoped_m2m=(("agreements_signed", _agreements_visible_to),),
        ),
        HistoryKind(
            slug="conference",
            model=Conference,
            can_view=_logged_in,
            can_restore=can_edit_conference,
            select_related=("organiser",),
            restore_exclude=frozenset({"state"}),
        ),
    ]
    return {kind.slug: kind for kind in kinds}


def kind_for_slug(slug: str) -> HistoryKind | None:
    return registry().get(slug)


def kind_for_model(model: type[models.Model]) -> HistoryKind | None:
    return next((k for k in registry().values() if k.model is model), None)


# ---------------------------------------------------------------------------
# Fields and values
# ---------------------------------------------------------------------------
def _history_model(model: type[models.Model]) -> type[models.Model]:
    return get_history_manager_for_model(model).model


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """The editable concrete fields that the history keeps (no pk, timestamps, search text)."""
    kept = {f.attname for f in _history_model(model)._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.editable and f.attname in kept
    ]


def tracked_m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    fields = getattr(_history_model(model), "_history_m2m_fields", [])
    order = {f.name: i for i, f in enumerate(model._meta.many_to_many)}
    return sorted(fields, key=lambda f: order.get(f.name, 0))


def _m2m_history_model(model: type[models.Model], m2m_field) -> type[models.Model]:
    return getattr(_history_model(model), m2m_field.name).model


def _raw(obj: models.Model, f: models.Field) -> Any:
    """The stored value (a code, an id), whether obj is a live or a historical instance."""
    return obj.__dict__.get(f.attname)


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def format_value(f: models.Field, value: Any, names: dict[tuple[type, Any], str]) -> str | None:
    """A stored value as a Vietnamese reader expects it; None when empty."""
    if _is_empty(value):
        return None
    if f.is_relation:
        key = (f.related_model, value)
        return names.get(key) or _("#%(id)s (deleted)") % {"id": value}
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        return formats.number_format(value, use_l10n=True)
    return str(value)


def _resolve_names(ids_by_model: dict[type, set]) -> dict[tuple[type, Any], str]:
    """One query per related model, whatever the number of versions."""
    names: dict[tuple[type, Any], str] = {}
    for model, ids in ids_by_model.items():
        ids.discard(None)
        if ids:
            for obj in model._base_manager.filter(pk__in=ids):
                names[(model, obj.pk)] = str(obj)
    return names


# ---------------------------------------------------------------------------
# The history page
# ---------------------------------------------------------------------------
@dataclass
class FieldChange:
    label: str
    old: str | None
    new: str | None


@dataclass
class SetChange:
    label: str
    added: list[str]
    removed: list[str]


@dataclass
class Entry:
    """One change as the page shows it. ``history_id`` is the version it leads to."""

    history_id: int
    date: datetime
    history_type: str
    reason: str
    user: Any = None
    changes: list[FieldChange] = field(default_factory=list)
    set_changes: list[SetChange] = field(default_factory=list)
    is_current: bool = False

    @property
    def is_creation(self) -> bool:
        return self.history_type == "+"

    @property
    def label(self) -> str:
        labels = {"+": _("Record created"), "-": _("Record deleted")}
        return labels.get(self.history_type, _("Record changed"))

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.set_changes)


@dataclass
class _Group:
    first_id: int
    last_id: int
    start: datetime
    end: datetime
    user_id: int | None
    reason: str
    history_type: str
    fingerprint: tuple
    before_id: int | None  # the last row before the group: the state the group started from


def _fingerprint_fields(model: type[models.Model]) -> list[str]:
    """Fields that tell a save from a many-to-many change: the ``auto_now`` timestamps that
    every save moves, or, for a model without one, every tracked field."""
    stamps = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    return stamps or [f.attname for f in tracked_fields(model)]


def _groups(rows: Iterable[tuple]) -> list[_Group]:
    """Group chronological rows (history_id, date, user_id, reason, type, *fingerprint)."""
    groups: list[_Group] = []
    for history_id, when, user_id, reason, history_type, *fingerprint in rows:
        reason = reason or ""
        last = groups[-1] if groups else None
        if (
            last is not None
            and history_type == "~"
            and last.history_type != "-"
            and user_id == last.user_id
            and reason == last.reason
            and tuple(fingerprint) == last.fingerprint
            and when - last.end <= GROUP_WINDOW
        ):
            last.last_id, last.end = history_id, when
            continue
        groups.append(
            _Group(
                first_id=history_id,
                last_id=history_id,
                start=when,
                end=when,
                user_id=user_id,
                reason=reason,
                history_type=history_type,
                fingerprint=tuple(fingerprint),
                before_id=last.last_id if last else None,
            )
        )
    return groups


def _history_rows(instance: models.Model) -> models.QuerySet:
    model = type(instance)
    manager = get_history_manager_for_model(model)
    return manager.filter(**{model._meta.pk.attname: instance.pk})


def history_record(instance: models.Model, history_id: int):
    """The historical row ``history_id`` if it is one of this record's, else None."""
    return _history_rows(instance).filter(history_id=history_id).first()


def _m2m_sets(model, records: list, m2m_fields) -> dict[str, dict[int, set]]:
    """{field name: {history_id: set of target ids}}, one query per many-to-many field."""
    ids = [r.history_id for r in records]
    result: dict[str, dict[int, set]] = {}
    for m2m in m2m_fields:
        target = f"{get_m2m_reverse_field_name(m2m)}_id"
        sets: dict[int, set] = defaultdict(set)
        rows = _m2m_history_model(model, m2m).objects.filter(history__in=ids)
        for history_id, target_id in rows.values_list("history_id", target):
            sets[history_id].add(target_id)
        result[m2m.name] = sets
    return result


def _hide_out_of_scope(model, sets: dict[str, dict[int, set]], user) -> None:
    """Drop from ``sets`` the many-to-many targets ``user`` may not see (``scoped_m2m``)."""
    kind = kind_for_model(model)
    for name, visible_to in kind.scoped_m2m if kind else ():
        ids = set().union(*sets[name].values()) if sets.get(name) else set()
        if not ids:
            continue
        shown = set(visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        for history_id, targets in sets[name].items():
            sets[name][history_id] = targets & shown


def history_page(
    *, instance: models.Model, page_number: Any = 1, per_page: int = PER_PAGE, user=None
):
    """The entries of one page of the record's history, newest first: (page, entries).

    Given the reader (``user``), many-to-many targets outside their scope are left out (the
    kind's ``scoped_m2m``, e.g. internal agreements signed during a delegation).

    The number of queries does not depend on the number of versions: one light query for
    every row, one for the page's full rows, one per many-to-many field (two when scoped) and
    one per related model whose names are shown.
    """
    model = type(instance)
    rows = _history_rows(instance).order_by("history_date", "history_id")
    groups = _groups(
        rows.values_list(
            "history_id",
            "history_date",
            "history_user_id",
            "history_change_reason",
            "history_type",
            *_fingerprint_fields(model),
        )
    )
    groups.reverse()
    page: Page = Paginator(groups, per_page).get_page(page_number)
    page_groups: list[_Group] = list(page.object_list)
    wanted = {g.last_id for g in page_groups} | {g.before_id for g in page_groups if g.before_id}
    records = {
        r.history_id: r
        for r in _history_rows(instance)
        .filter(history_id__in=wanted)
        .select_related("history_user__agency")
    }
    fields = tracked_fields(model)
    m2m_fields = tracked_m2m_fields(model)
    sets = _m2m_sets(model, list(records.values()), m2m_fields)
    if user is not None:
        _hide_out_of_scope(model, sets, user)

    ids_by_model: dict[type, set] = defaultdict(set)
    for f in fields:
        if f.is_relation:
            ids_by_model[f.related_model].update(_raw(r, f) for r in records.values())
    for m2m in m2m_fields:
        for targets in sets[m2m.name].values():
            ids_by_model[m2m.related_model].update(targets)
    names = _resolve_names(ids_by_model)

    entries = []
    newest_id = groups[0].last_id if groups else None
    for group in page_groups:
        after = records[group.last_id]
        before = records.get(group.before_id) if group.before_id else None
        entry = Entry(
            history_id=group.last_id,
            date=group.end,
            history_type=group.history_type,
            reason=group.reason,
            user=after.history_user,
            is_current=group.last_id == newest_id,
        )
        for f in fields:
            old = _raw(before, f) if before is not None else None
            new = _raw(after, f)
            if before is None and _is_empty(new):
                continue
            if before is not None and old == new:
                continue
            entry.changes.append(
                FieldChange(
                    label=str(f.verbose_name),
                    old=format_value(f, old, names),
                    new=format_value(f, new, names),
                )
            )
        for m2m in m2m_fields:
            old_set = sets[m2m.name].get(before.history_id, set()) if before else set()
            new_set = sets[m2m.name].get(after.history_id, set())

            def labels(ids: set, m2m=m2m) -> list[str]:
                return sorted(
                    names.get((m2m.related_model, i)) or _("#%(id)s (deleted)") % {"id": i}
                    for i in ids
                )

            if old_set != new_set:
                entry.set_changes.append(
                    SetChange(
                        label=str(m2m.verbose_name),
                        added=labels(new_set - old_set),
                        removed=labels(old_set - new_set),
                    )
                )
        entries.append(entry)
    return page, entries


# ---------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------
def restore_reason(history_date: datetime) -> str:
    """Stored with the record, in the portal's language: the history is one shared log."""
    when = timezone.localtime(history_date).strftime("%d/%m/%Y %H:%M")
    with translation.override(settings.LANGUAGE_CODE):
        return _("Restored the version of %(date)s") % {"date": when}


@transaction.atomic
def history_restore(*, instance: models.Model, history_id: int, user) -> models.Model:
    """Bring the record's fields (and many-to-many sets) back to an earlier version.

    The restore is itself a change, recorded in the history with the user and a reason that
    names the version's date. Related objects deleted since the version are left out of the
    many-to-many sets. Raises DomainError when the version is not one of this record's, when
    nothing would change, or when the result would break a rule (e.g. a duplicate number).
    """
    model = type(instance)
    kind = kind_for_model(model)
    record = history_record(instance, history_id)
    if record is None:
        raise DomainError(_("This version does not belong to this record."))
    instance = model._default_manager.select_for_update().get(pk=instance.pk)
    exclude = kind.restore_exclude if kind else frozenset()

    changed = False
    for f in tracked_fields(model):
        if f.name in exclude:
            continue
        value = _raw(record, f)
        if _raw(instance, f) != value:
            setattr(instance, f.attname, value)
            changed = True

    new_sets: dict[str, set] = {}
    for m2m in tracked_m2m_fields(model):
        if m2m.name in exclude:
            continue
        target = f"{get_m2m_reverse_field_name(m2m)}_id"
        old_ids = set(
            _m2m_history_model(model, m2m)
            .objects.filter(history=record)
            .values_list(target, flat=True)
        )
        still_there = set(
            m2m.related_model._base_manager.filter(pk__in=old_ids).values_list("pk", flat=True)
        )
        if not still_there and not m2m.blank:
            raise DomainError(
                {
                    m2m.name: _("This version cannot be restored: “%(field)s” would be empty.")
                    % {"field": m2m.verbose_name}
                }
            )
        current = set(getattr(instance, m2m.name).values_list("pk", flat=True))
        if still_there != current:
            new_sets[m2m.name] = still_there

    if not changed and not new_sets:
        raise DomainError(_("The record is already as in this version."))

    instance._history_user = user
    instance._change_reason = restore_reason(record.history_date)
    try:
        if kind and kind.check:
            kind.check(instance)
        try:
            instance.full_clean()
        except ValidationError as error:
            raise DomainError(error.message_dict) from error
        try:
            with transaction.atomic():
                instance.save()
                for name, ids in new_sets.items():
                    getattr(instance, name).set(ids)
        except IntegrityError as error:
            raise DomainError(
                _("This version cannot be restored: it conflicts with another record.")
            ) from error
        if kind and kind.after_restore:
            kind.after_restore(instance)
    finally:
        # Later saves of this object must not carry the restore's user and reason.
        del instance._history_user
        del instance._change_reason
    return instance
