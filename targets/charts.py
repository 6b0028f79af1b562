"""Server-side SVG charts of the 2030 targets, for the detail page and the PDF annexes.

``target_chart_svg(state)`` returns one self-contained SVG 1.1 element as a string:

- the values over the years, as a line (bars for per-year targets, which are judged year by
  year rather than accumulated), one marker per value;
- the target range as a shaded band, or the floor as a dashed line; the baseline as a dotted
  line; the projection to the deadline (when there is one) as a dashed segment;
- year labels, value ticks in the Vietnamese way (``15.000``, ``12,5``: the charts go into
  the province's administrative documents whatever the interface language), the unit;
- a ``<title>``, a ``<desc>`` and an ``aria-label`` for screen readers.

Milestone (yes/no) targets get an achieved / not-yet indicator instead.

Why plain strings of presentation attributes: the site's CSP forbids inline styles and
scripts, and WeasyPrint renders the same markup in PDFs, so there is no ``style``, no script,
no CSS class that the chart depends on, and no reference to anything outside the element
(no ``href``, no web font; the font family is a parameter). Every text that goes in, the
target's own texts as well as the translated labels, is XML-escaped here, which is what
makes it safe to mark the result safe in a template.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Target
from .services import Point, TargetState

FONT_FAMILY = "Liberation Serif, serif"
WIDTH = 640
HEIGHT = 280
MILESTONE_HEIGHT = 96
FONT_SIZE = 12

COLOR_VALUE = "#0d6efd"
COLOR_TARGET = "#198754"
COLOR_BASELINE = "#6c757d"
COLOR_PROJECTION = "#6f42c1"
COLOR_AXIS = "#495057"
COLOR_GRID = "#dee2e6"
COLOR_PENDING = "#adb5bd"

# Characters XML 1.0 does not allow at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(value: object) -> str:
    """Text or attribute value, safe inside an XML element or a double-quoted attribute."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    """A coordinate: one decimal is finer than a pixel."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _el(tag: str, attrs: dict[str, object], content: str | None = None) -> str:
    """An element; ``content`` is markup (escape text with ``_esc`` first)."""
    rendered = "".join(
        f' {name}="{_num(v) if isinstance(v, float) else _esc(v)}"'
        for name, v in attrs.items()
        if v is not None
    )
    if content is None:
        return f"<{tag}{rendered}/>"
    return f"<{tag}{rendered}>{content}</{tag}>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    return _el("text", {"x": x, "y": y, **attrs}, _esc(text))


def vn_number(value: Decimal | float | int, places: int = 2) -> str:
    """Vietnamese number formatting: dot between thousands, decimal comma, no trailing zeros.

    >>> vn_number(15000), vn_number(Decimal("12.50")), vn_number(1234567.891)
    ('15.000', '12,5', '1.234.567,89')
    """
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integer, _sep, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if number < 0 and (int(integer) or fraction) else ""
    grouped = f"{int(integer):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _with_unit(value: Decimal | float, unit: str) -> str:
    return f"{vn_number(value)} {unit}".strip()


def _title(state: TargetState) -> str:
    target = state.target
    return _("2030 target %(code)s: %(text)s") % {"code": target.code, "text": target.text_vi}


def _summary(state: TargetState) -> str:
    """The chart in one sentence, for screen readers (the ``<desc>``)."""
    target = state.target
    parts = []
    if state.latest is None:
        parts.append(_("No data yet."))
    elif target.kind == Target.Kind.MILESTONE:
        parts.append(_("Achieved.") if state.latest.value >= 1 else _("Not yet achieved."))
    else:
        parts.append(
            _("Latest value %(value)s (%(date)s).")
            % {"value": _with_unit(state.latest.value, target.unit), "date": _dmy(state.latest.on)}
        )
    if target.kind != Target.Kind.MILESTONE:
        if target.is_range:
            parts.append(
                _("Target range %(low)s to %(high)s.")
                % {
                    "low": vn_number(target.target_min),
                    "high": _with_unit(target.target_max, target.unit),
                }
            )
        elif target.target_min is not None:
            parts.append(
                _("Target at least %(value)s.")
                % {"value": _with_unit(target.target_min, target.unit)}
            )
    if state.latest is not None:
        parts.append(_("Status: %(status)s.") % {"status": state.status_label})
    return " ".join(parts)


def _root(state: TargetState, width: int, height: int, font_family: str, body: list[str]) -> str:
    title = _title(state)
    return _el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "version": "1.1",
            "width": width,
            "height": height,
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-label": title,
            "font-family": font_family,
            "font-size": FONT_SIZE,
            "class": "target-chart",
        },
        _el("title", {}, _esc(title)) + _el("desc", {}, _esc(_summary(state))) + "".join(body),
    )


# ---------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------
def _milestone(state: TargetState, width: int, height: int, font_family: str) -> str:
    target = state.target
    done = [p for p in state.points if p.value >= 1]
    achieved = state.latest is not None and state.latest.value >= 1
    radius = min(height / 2 - 8, 28)
    cx, cy = 12 + radius, height / 2
    body = []
    if achieved:
        body += [
            _el(
                "circle",
                {
                    "class": "milestone-achieved",
                    "cx": cx,
                    "cy": cy,
                    "r": radius,
                    "fill": COLOR_TARGET,
                },
            ),
            _el(
                "path",
                {
                    "d": f"M {_num(cx - radius * 0.45)} {_num(cy)} "
                    f"L {_num(cx - radius * 0.1)} {_num(cy + radius * 0.35)} "
                    f"L {_num(cx + radius * 0.5)} {_num(cy - radius * 0.35)}",
                    "fill": "none",
                    "stroke": "#ffffff",
                    "stroke-width": 4,
                    "stroke-linecap": "round",
                    "stroke-linejoin": "round",
                },
            ),
        ]
        label = _("Achieved")
        detail = _("Since %(date)s") % {"date": _dmy(min(p.on for p in done))} if done else ""
    else:
        body.append(
            _el(
                "circle",
                {
                    "class": "milestone-pending",
                    "cx": cx,
                    "cy": cy,
                    "r": radius - 2,
                    "fill": "none",
                    "stroke": COLOR_PENDING,
                    "stroke-width": 4,
                    "stroke-dasharray": "6 4",
                },
            )
        )
        label = _("Not yet achieved")
        detail = _("Deadline: %(year)s") % {"year": target.deadline_year}
    x = cx + radius + 16
    body.append(_text(x, cy - 4, label, **{"font-size": FONT_SIZE + 4, "font-weight": "bold"}))
    body.append(_text(x, cy + 16, " · ".join(filter(None, [detail, state.status_label]))))
    return _root(state, width, height, font_family, body)


# ---------------------------------------------------------------------------
# Values over the years
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Scale:
    """Maps dates to x and values to y inside the plot area."""

    left: float
    right: float
    top: float
    bottom: float
    start: date
    end: date
    low: float
    high: float

    def x(self, day: date) -> float:
        span = (self.end - self.start).days
        return self.left + (day - self.start).days / span * (self.right - self.left)

    def y(self, value: Decimal | float) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    span = (high - low) or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(max(n, 1) + 1)]


def _legend(entries: list[tuple[str, str]], width: float, left: float) -> list[list[tuple]]:
    """Lines of (swatch, label) that fit the width: text width is estimated, not measured
    (no font metrics here), generously for Vietnamese diacritics."""
    lines: list[list[tuple]] = [[]]
    x = left
    for swatch, label in entries:
        needed = 22 + len(label) * FONT_SIZE * 0.55 + 16
        if lines[-1] and x + needed > width:
            lines.append([])
            x = left
        lines[-1].append((x, swatch, label))
        x += needed
    return [line for line in lines if line]


def _swatch(kind: str, x: float, y: float) -> str:
    if kind == "band":
        return _el(
            "rect",
            {
                "x": x,
                "y": y - 9,
                "width": 16,
                "height": 10,
                "fill": COLOR_TARGET,
                "fill-opacity": "0.2",
            },
        )
    colors = {
        "value": (COLOR_VALUE, None, 2),
        "bar": (COLOR_VALUE, None, 8),
        "floor": (COLOR_TARGET, "6 4", 2),
        "baseline": (COLOR_BASELINE, "2 3", 2),
        "projection": (COLOR_PROJECTION, "4 3", 2),
    }
    color, dash, stroke = colors[kind]
    return _el(
        "line",
        {
            "x1": x,
            "y1": y - 4,
            "x2": x + 16,
            "y2": y - 4,
            "stroke": color,
            "stroke-width": stroke,
            "stroke-dasharray": dash,
        },
    )


def _series(state: TargetState, width: int, height: int, font_family: str) -> str:
    target, points = state.target, state.points
    unit = target.unit
    bars = target.kind == Target.Kind.PER_YEAR
    deadline = date(target.deadline_year, 12, 31)
    projection = (
        state.projection
        if state.projection is not None and state.latest is not None and not bars
        else None
    )

    # Legend first: its height decides the plot's.
    entries = [("bar" if bars else "value", _("Value"))] if points else []
    if target.is_range:
        entries.append(
            (
                "band",
                _("Target: %(low)s–%(high)s")
                % {
                    "low": vn_number(target.target_min),
                    "high": _with_unit(target.target_max, unit),
                },
            )
        )
    elif target.target_min is not None:
        entries.append(
            (
                "floor",
                _("Target: at least %(value)s") % {"value": _with_unit(target.target_min, unit)},
            )
        )
    if target.baseline_value is not None:
        label = (
            _("Baseline %(year)s: %(value)s") if target.baseline_year else _("Baseline: %(value)s")
        )
        entries.append(
            (
                "baseline",
                label
                % {"year": target.baseline_year, "value": _with_unit(target.baseline_value, unit)},
            )
        )
    if projection is not None:
        entries.append(
            (
                "projection",
                _("Projection to %(year)s: %(value)s")
                % {"year": target.deadline_year, "value": _with_unit(projection, unit)},
            )
        )
    left = 12 + FONT_SIZE * 0.6 * 7  # room for "100.000"-wide tick labels
    legend = _legend(entries, width - 8, left)
    line_height = FONT_SIZE + 6

    # Scales: whole years from the first year to the deadline (or the latest value after it).
    first_year = min([target.start_year, *(p.on.year for p in points)])
    last_year = max([target.deadline_year, *(p.on.year for p in points)])
    values = [float(p.value) for p in points] + [
        float(v)
        for v in (target.target_min, target.target_max, target.baseline_value, projection)
        if v is not None
    ]
    ticks = _ticks(min([0.0, *values]), max([0.0, *values]) or 1.0)
    scale = _Scale(
        left=left,
        right=width - 12,
        top=FONT_SIZE + 16,
        bottom=height - 8 - FONT_SIZE - 10 - len(legend) * line_height,
        start=date(first_year, 1, 1),
        end=date(last_year + 1, 1, 1),
        low=ticks[0],
        high=ticks[-1],
    )

    body = [_text(8, FONT_SIZE + 2, unit, fill=COLOR_AXIS)] if unit else []
    # Grid: value ticks and year boundaries.
    for tick in ticks:
        y = scale.y(tick)
        body.append(
            _el(
                "line",
                {
                    "x1": scale.left,
                    "y1": y,
                    "x2": scale.right,
                    "y2": y,
                    "stroke": COLOR_AXIS if tick == 0 else COLOR_GRID,
                    "stroke-width": 1,
                },
            )
        )
        body.append(
            _text(
                scale.left - 6,
                y + FONT_SIZE * 0.35,
                vn_number(Decimal(str(tick))),
                fill=COLOR_AXIS,
                **{"text-anchor": "end"},
            )
        )
    for year in range(first_year, last_year + 2):
        x = scale.x(date(year, 1, 1))
        body.append(
            _el(
                "line",
                {
                    "x1": x,
                    "y1": scale.top,
                    "x2": x,
                    "y2": scale.bottom,
                    "stroke": COLOR_GRID,
                    "stroke-width": 1,
                },
            )
        )
        if year <= last_year:
            body.append(
                _text(
                    scale.x(date(year, 7, 1)),
                    scale.bottom + FONT_SIZE + 4,
                    str(year),
                    fill=COLOR_AXIS,
                    **{"text-anchor": "middle"},
                )
            )

    # The target, under the values.
    if target.is_range:
        top, bottom = scale.y(target.target_max), scale.y(target.target_min)
        body.append(
            _el(
                "rect",
                {
                    "class": "target-band",
                    "x": scale.left,
                    "y": top,
                    "width": scale.right - scale.left,
                    "height": max(bottom - top, 1.0),
                    "fill": COLOR_TARGET,
                    "fill-opacity": "0.2",
                    "stroke": COLOR_TARGET,
                    "stroke-width": 1,
                },
            )
        )
    elif target.target_min is not None:
        y = scale.y(target.target_min)
        body.append(
            _el(
                "line",
                {
                    "class": "target-floor",
                    "x1": scale.left,
                    "y1": y,
                    "x2": scale.right,
                    "y2": y,
                    "stroke": COLOR_TARGET,
                    "stroke-width": 2,
                    "stroke-dasharray": "6 4",
                },
            )
        )
    if target.baseline_value is not None:
        y = scale.y(target.baseline_value)
        body.append(
            _el(
                "line",
                {
                    "class": "baseline",
                    "x1": scale.left,
                    "y1": y,
                    "x2": scale.right,
                    "y2": y,
                    "stroke": COLOR_BASELINE,
                    "stroke-width": 2,
                    "stroke-dasharray": "2 3",
                },
            )
        )

    if not points:
        body.append(
            _text(
                (scale.left + scale.right) / 2,
                (scale.top + scale.bottom) / 2,
                _("No data yet."),
                fill=COLOR_AXIS,
                **{"text-anchor": "middle", "font-style": "italic"},
            )
        )
    elif bars:
        body += _bars(state, scale)
    else:
        body += _line(state, scale, projection, deadline)

    # Legend.
    for index, line in enumerate(legend):
        y = height - 8 - (len(legend) - 1 - index) * line_height
        for x, swatch, label in line:
            body.append(_swatch(swatch, x, y))
            body.append(_text(x + 22, y, label, fill=COLOR_AXIS))
    return _root(state, width, height, font_family, body)


def _point_title(point: Point, unit: str) -> str:
    return _el("title", {}, _esc(f"{_dmy(point.on)}: {_with_unit(point.value, unit)}"))


def _bars(state: TargetState, scale: _Scale) -> list[str]:
    """One bar per value, ending at the end of its period (a year's two reports side by side)."""
    year_width = scale.x(date(2001, 1, 1)) - scale.x(date(2000, 1, 1))
    bar_width = max(year_width * 0.4, 2.0)
    body = []
    for point in state.points:
        right = scale.x(point.on)
        top, zero = scale.y(point.value), scale.y(0)
        body.append(
            _el(
                "rect",
                {
                    "class": "point",
                    "x": max(right - bar_width, scale.left),
                    "y": min(top, zero),
                    "width": min(bar_width, right - scale.left),
                    "height": max(abs(zero - top), 1.0),
                    "fill": COLOR_VALUE,
                },
                _point_title(point, state.target.unit),
            )
        )
    return [*body, _latest_label(state, scale)]


def _line(
    state: TargetState, scale: _Scale, projection: Decimal | None, deadline: date
) -> list[str]:
    points = state.points
    body = []
    if projection is not None and state.latest.on < deadline:
        body.append(
            _el(
                "line",
                {
                    "class": "projection",
                    "x1": scale.x(state.latest.on),
                    "y1": scale.y(state.latest.value),
                    "x2": scale.x(deadline),
                    "y2": scale.y(projection),
                    "stroke": COLOR_PROJECTION,
                    "stroke-width": 2,
                    "stroke-dasharray": "4 3",
                },
            )
        )
    if len(points) > 1:
        body.append(
            _el(
                "polyline",
                {
                    "class": "values",
                    "points": " ".join(
                        f"{_num(scale.x(p.on))},{_num(scale.y(p.value))}" for p in points
                    ),
                    "fill": "none",
                    "stroke": COLOR_VALUE,
                    "stroke-width": 2,
                    "stroke-linejoin": "round",
                },
            )
        )
    for point in points:
        body.append(
            _el(
                "circle",
                {
                    "class": "point",
                    "cx": scale.x(point.on),
                    "cy": scale.y(point.value),
                    "r": 4,
                    "fill": COLOR_VALUE,
                    "stroke": "#ffffff",
                    "stroke-width": 1,
                },
                _point_title(point, state.target.unit),
            )
        )
    return [*body, _latest_label(state, scale)]


def _latest_label(state: TargetState, scale: _Scale) -> str:
    """The latest value written next to its marker: the figure a reader looks for first."""
    latest = state.latest
    x, y = scale.x(latest.on), scale.y(latest.value)
    anchor = "end" if x > (scale.left + scale.right) / 2 else "start"
    return _text(
        x - 6 if anchor == "end" else x + 6,
        max(y - 8, scale.top + FONT_SIZE),
        vn_number(latest.value),
        fill=COLOR_VALUE,
        **{"text-anchor": anchor, "font-weight": "bold"},
    )


def target_chart_svg(
    state: TargetState,
    *,
    width: int = WIDTH,
    height: int | None = None,
    font_family: str = FONT_FAMILY,
) -> str:
    """The target's chart as an inline SVG 1.1 element (see the module docstring).

    ``state`` comes from ``services.target_states``; nothing here queries the database.
    ``height`` defaults to a chart's height, or a smaller one for milestones.
    """
    if state.target.kind == Target.Kind.MILESTONE:
        return _milestone(state, width, height or MILESTONE_HEIGHT, font_family)
    return _series(state, width, height or HEIGHT, font_family)
