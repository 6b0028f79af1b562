"""Writes to the partner register."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.text import nfc

from .models import Partner


def _name_key(name: str) -> str:
    return " ".join(nfc(name or "").casefold().split())


def partner_check(partner: Partner) -> None:
    """The rules every partner must satisfy: no loop of parents, no duplicate name."""
    if partner.parent_id and partner.parent_id == partner.pk:
        raise DomainError({"parent": _("A partner cannot be part of itself.")})
    ancestor = partner.parent
    while ancestor is not None:
        if ancestor.pk == partner.pk:
            raise DomainError({"parent": _("This parent would make a loop.")})
        ancestor = ancestor.parent
    # Compared as the Excel import compares names (NFC, any case, single spaces), in Python:
    # SQLite's iexact ignores the case of ASCII letters only ("TỈNH" ≠ "Tỉnh" there).
    name = _name_key(partner.name_vi)
    same_country = Partner.objects.filter(country=partner.country).exclude(pk=partner.pk)
    if any(_name_key(other) == name for other in same_country.values_list("name_vi", flat=True)):
        raise DomainError(
            {"name_vi": _("A partner with this name already exists in this country.")}
        )


@transaction.atomic
def partner_create(*, user, data: dict[str, Any]) -> Partner:
    partner = Partner(**data)
    partner_check(partner)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, user, data: dict[str, Any]) -> Partner:
    for name, value in data.items():
        setattr(partner, name, value)
    partner_check(partner)
    partner.full_clean()
    partner.save()
    # Agreements are found by their partners' names too.
    from agreements.services import agreement_refresh_search

    for agreement in partner.agreements.all():
        agreement_refresh_search(agreement)
    return partner
