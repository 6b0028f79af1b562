"""A record's change history, and restoring an earlier version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError

from . import history


def _visible(request: HttpRequest, slug: str, pk: int) -> tuple[history.HistoryKind, models.Model]:
    """The record if the user may see it; a 404 otherwise (its existence is not revealed)."""
    kind = history.kind_for_slug(slug)
    if kind is None:
        raise Http404
    try:
        obj = kind.get_object(pk)
    except kind.model.DoesNotExist as error:
        raise Http404 from error
    if not kind.can_view(request.user, obj):
        raise Http404
    return kind, obj


@require_GET
def object_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind, obj = _visible(request, slug, pk)
    page, entries = history.history_page(
        instance=obj, page_number=request.GET.get("page"), user=request.user
    )
    return render(
        request,
        "history/object_history.html",
        {
            "object": obj,
            "kind": kind,
            "verbose_name": kind.model._meta.verbose_name,
            "entries": entries,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "can_restore": kind.can_restore(request.user, obj),
        },
    )


@require_POST
def restore(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    kind, obj = _visible(request, slug, pk)
    if not kind.can_restore(request.user, obj):
        raise PermissionDenied
    try:
        history.history_restore(instance=obj, history_id=history_id, user=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        restored = history.history_record(obj, history_id)
        messages.success(
            request,
            _("The version of %(date)s has been restored.")
            % {
                "date": formats.date_format(
                    timezone.localtime(restored.history_date), "SHORT_DATETIME_FORMAT"
                )
            },
        )
    return redirect(reverse("history:object", args=[slug, obj.pk]))
