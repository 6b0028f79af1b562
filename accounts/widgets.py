"""Form widgets shared by the apps."""

from __future__ import annotations

from html import escape as _escape

from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def escape(value) -> str:
    """``django.utils.html.escape`` without its lazy-string wrapper (the same characters
    escaped, ``&<>"'``); it runs for each of a few hundred options per page."""
    return _escape(str(value))


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ``False`` left out, ``True`` as a bare name."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_options(rows, selected: str = "") -> str:
    """``<option>`` elements for ``(value, label)`` rows, as Django's templates write them."""
    return "".join(
        f'\n  <option value="{escape(value)}"'
        f"{' selected' if str(value) == selected else ''}>{escape(label)}</option>\n"
        for value, label in rows
    )


class LookupSelect(forms.Select):
    """The ``<select>`` of a :class:`LookupChoiceField`, over a register that may be long
    (the filter forms' agencies and partners: 160 and 300 in a province, thousands in a
    national instance).

    Up to ``full_list_max`` records, every record is an option, read with one query of two
    columns (no model instances: the 460 options of a province cost Django's templates
    ~20 ms per page). Beyond that, the select holds the empty choice and the chosen record
    only, and a search box above it asks ``lookup_url`` (htmx, as the user types) for the
    records whose name contains the words typed, accents or not: the page's cost no longer
    grows with the register. Either way it is one query.
    """

    full_list_max = 500

    def __init__(self, *, lookup_url: str, label_field: str, full_list_max=None, attrs=None):
        super().__init__(attrs)
        self.lookup_url = lookup_url
        self.label_field = label_field
        if full_list_max is not None:
            self.full_list_max = full_list_max
        # (pk, label) of the record the form's field cleaned, set by LookupChoiceField.
        self.chosen: tuple | None = None

    def _chosen(self, rows: list, selected: str) -> list:
        if not selected:
            return []
        if self.chosen and str(self.chosen[0]) == selected:
            return [self.chosen]
        found = [row for row in rows if str(row[0]) == selected]
        if found or not selected.isdigit():
            return found
        # The form was not cleaned (a bound form always is before it is shown).
        queryset = self.choices.queryset.filter(pk=int(selected))
        return list(queryset.values_list("pk", self.label_field))

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("id", f"id_{name}")
        selected = "" if value in (None, "") else str(value)
        field = self.choices.field
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        queryset = self.choices.queryset.values_list("pk", self.label_field)
        rows = list(queryset[: self.full_list_max + 1])
        select = f'<select name="{escape(name)}"{_attrs(attrs)}>'
        if len(rows) <= self.full_list_max:
            return mark_safe(f"{select}{render_options(empty + rows, selected)}\n</select>")
        search = {
            "type": "search",
            "class": "form-control form-control-sm mb-1",
            "name": "term",
            # No form owner: the words typed are not sent with the filter form.
            "form": f"{attrs['id']}-lookup",
            "placeholder": gettext("Type to search…"),
            "aria-label": gettext("Search the list below"),
            "aria-controls": attrs["id"],
            "autocomplete": "off",
            "hx-get": reverse(self.lookup_url),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": f"#{attrs['id']}",
            "hx-swap": "innerHTML",
        }
        options = render_options(empty + self._chosen(rows, selected), selected)
        return mark_safe(f"<input{_attrs(search)}>{select}{options}\n</select>")


class LookupChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` shown with :class:`LookupSelect` (``lookup_url``: the URL name
    of the view answering the search box; ``label_field``: the column shown)."""

    def __init__(self, queryset, *, lookup_url: str, label_field: str, **kwargs):
        kwargs.setdefault("widget", LookupSelect(lookup_url=lookup_url, label_field=label_field))
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        record = super().clean(value)
        self.widget.chosen = (record.pk, self.label_from_instance(record)) if record else None
        return record
