"""Form widgets shared by the apps."""

from __future__ import annotations

from html import escape as _escape

from django import forms
from django.urls import reverse
from django.utils.functional import Promise
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


def _label(label) -> str:
    """A label as ``{{ label }}`` writes it: escaped unless already marked safe."""
    return str(label.__html__()) if hasattr(label, "__html__") else escape(label)


class PlainInput:
    """Mixin for an ``<input>`` widget: written as django/forms/widgets/input.html writes it,
    without a template (a list page's filter form renders its fields on every request; each
    through Django's templates costs about 0.3 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(
            f'<input type="{escape(self.input_type)}" name="{escape(name)}"{shown}{_attrs(attrs)}>'
        )


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainNumberInput(PlainInput, forms.NumberInput):
    pass


class PlainSelect(forms.Select):
    """A ``<select>`` of flat choices with text labels, written as Django's select.html writes
    it, without a template per option; groups or labels of other types (numbers and dates,
    which templates localize) take Django's own rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        # Through iter(): list() of a ModelChoiceIterator itself would ask its len(), a COUNT.
        choices = list(iter(self.choices))
        if any(not isinstance(label, str | Promise) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            # As Django's optgroups(): only the first option of a chosen value is selected.
            selected = not chosen and option_value in wanted
            chosen |= selected
            options.append(
                f'\n  <option value="{escape(option_value)}"'
                f"{' selected' if selected else ''}>{_label(label)}</option>\n"
            )
        return mark_safe(
            f'<select name="{escape(name)}"{_attrs(attrs)}>{"".join(options)}\n</select>'
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
