"""Template filters shared by every app."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value) -> str:
    """A number in the active language's format without trailing zeros: 27,5 and 15.000 in
    Vietnamese, 27.5 and 15,000 in English (``floatformat`` would print 27,50)."""
    if value is None or value == "":
        return ""
    try:
        decimal = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    # normalize() writes 100 as 1E+2; quantize back to whole units.
    if decimal == decimal.to_integral_value():
        decimal = decimal.quantize(Decimal(1))
    return number_format(decimal, use_l10n=True, force_grouping=True)
