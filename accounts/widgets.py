"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ``False`` left out, ``True`` as a bare name."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A ``Select`` that writes its options in Python: the same HTML as Django's templates
    (one template include per option), without their cost, for the filter forms' long lists
    of agencies and partners (15,000 partners at national scale). Option groups fall back to
    the templates."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return self._render(self.template_name, context, renderer)
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for _group_name, options, _index in widget["optgroups"]:
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{escape(option['label'])}</option>\n"
                )
        parts.append("\n</select>")
        return mark_safe("".join(parts))
