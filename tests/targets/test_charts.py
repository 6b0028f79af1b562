"""The server-side SVG chart: well-formed, escaped, CSP-clean, and rendered by WeasyPrint."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from targets.charts import target_chart_svg, vn_number
from targets.models import Target
from targets.services import Point, evaluate

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2027, 7, 1)


@pytest.fixture(autouse=True)
def english():
    """The labels are checked against their English msgids."""
    with translation.override("en"):
        yield


def _target(kind="cumulative", low=None, high=None, **extra) -> Target:
    """An unsaved target: the chart reads fields only, never the database."""
    return Target(
        code=extra.pop("code", "4.6"),
        text_vi=extra.pop("text_vi", "Mở rộng quan hệ với 05 - 10 đối tác mới"),
        unit=extra.pop("unit", "đối tác"),
        kind=kind,
        target_min=None if low is None else Decimal(low),
        target_max=None if high is None else Decimal(high),
        **extra,
    )


def _svg(target: Target, *values: tuple[date, str], today: date = TODAY, **options) -> str:
    points = [Point(day, Decimal(value)) for day, value in values]
    return target_chart_svg(evaluate(target, points, today), **options)


def _classed(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


SERIES = [
    (date(2026, 6, 14), "2"),
    (date(2026, 12, 14), "3"),
    (date(2027, 6, 14), "4.5"),
]


def test_range_target_has_its_band_and_one_marker_per_value():
    root = ET.fromstring(_svg(_target("cumulative", 5, 10), *SERIES))
    assert root.tag == f"{SVG}svg"
    assert root.get("version") == "1.1"
    assert len(_classed(root, "target-band")) == 1
    assert _classed(root, "target-floor") == []
    assert len(_classed(root, "point")) == len(SERIES)
    assert len(_classed(root, "values")) == 1  # the line through them
    # Each marker names its date and value for screen readers, the Vietnamese way.
    titles = [p.find(f"{SVG}title").text for p in _classed(root, "point")]
    assert titles[-1] == "14/06/2027: 4,5 đối tác"


def test_floor_target_has_its_floor_line_and_the_baseline():
    target = _target("index", 26, unit="điểm", baseline_value=Decimal("19.5"), baseline_year=2025)
    root = ET.fromstring(_svg(target, (date(2026, 6, 14), "20"), (date(2027, 6, 14), "22")))
    (floor,) = _classed(root, "target-floor")
    assert floor.tag == f"{SVG}line"
    assert floor.get("stroke-dasharray")
    assert _classed(root, "target-band") == []
    assert len(_classed(root, "baseline")) == 1
    assert len(_classed(root, "projection")) == 1  # the trend carried on to 2030
    assert len(_classed(root, "point")) == 2
    # The band and the floor sit at the height of their value: the floor (26) above 22.
    (latest,) = [p for p in _classed(root, "point") if "22" in p.find(f"{SVG}title").text]
    assert float(floor.get("y1")) < float(latest.get("cy"))


def test_per_year_target_is_drawn_as_bars():
    target = _target("per_year", 2, 3, unit="hoạt động")
    root = ET.fromstring(_svg(target, *SERIES[:2]))
    bars = _classed(root, "point")
    assert [bar.tag for bar in bars] == [f"{SVG}rect", f"{SVG}rect"]
    assert all(float(bar.get("height")) > 0 for bar in bars)
    assert len(_classed(root, "target-band")) == 1


@pytest.mark.parametrize("count", [0, 1, 7])
def test_point_count_matches_the_measurements(count):
    values = [(date(2026 + i // 2, 6 if i % 2 == 0 else 12, 14), str(i + 1)) for i in range(count)]
    root = ET.fromstring(_svg(_target("percentage", 100, unit="%"), *values))
    assert len(_classed(root, "point")) == count
    if not count:
        assert "No data yet." in "".join(root.itertext())


def test_axis_labels_and_legend_use_vietnamese_numbers():
    target = _target("per_year", 15000, unit="lượt khách")
    root = ET.fromstring(_svg(target, (date(2026, 12, 14), "16250.5")))
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert "15.000" in texts  # a value tick
    assert "16.250,5" in texts  # the latest value, written by its bar
    assert "Target: at least 15.000 lượt khách" in texts
    assert {"2026", "2030"} <= set(texts)  # the years
    assert "lượt khách" in texts  # the unit on the value axis


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (15000, "15.000"),
        (Decimal("12.50"), "12,5"),
        (Decimal("1800.00"), "1.800"),
        (1234567.891, "1.234.567,89"),
        (Decimal("0.10"), "0,1"),
        (0, "0"),
        (Decimal("-2.5"), "-2,5"),
    ],
)
def test_vn_number(value, text):
    assert vn_number(value) == text


def test_hostile_texts_are_escaped():
    target = _target(
        "cumulative",
        5,
        10,
        code='9"9',
        text_vi="Đối tác <img src=x onerror=alert(1)> & \"bạn\" 'mới'\x00\x1b",
        unit="<script>alert(1)</script>",
    )
    svg = _svg(target, *SERIES, font_family='Evil" onload="alert(1)')
    assert "<script" not in svg
    assert "<img" not in svg
    root = ET.fromstring(svg)  # well-formed despite quotes, ampersands and control characters
    assert root.get("font-family") == 'Evil" onload="alert(1)'
    assert root.get("onload") is None
    assert root.find(f"{SVG}title").text == (
        '2030 target 9"9: Đối tác <img src=x onerror=alert(1)> & "bạn" \'mới\''
    )
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts  # shown as text, not markup
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in {"script", "img"}]


@pytest.mark.parametrize("kind", ["cumulative", "per_year", "index", "milestone"])
def test_no_style_script_or_external_reference(kind):
    svg = _svg(_target(kind, 1, 3 if kind == "cumulative" else None), *SERIES)
    root = ET.fromstring(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.endswith("href") or name.startswith("on") for name in element.attrib)
        assert element.tag.rsplit("}", 1)[-1] not in {"style", "script", "image", "use", "a"}
    assert "url(" not in svg


def test_accessible_name_and_description():
    root = ET.fromstring(_svg(_target("cumulative", 5, 10), *SERIES))
    assert root.get("role") == "img"
    assert root.get("aria-label") == root.find(f"{SVG}title").text
    assert root.get("aria-label").startswith("2030 target 4.6: Mở rộng")
    assert root[0].tag == f"{SVG}title"  # the first child, as SVG requires
    description = root.find(f"{SVG}desc").text
    assert "Latest value 4,5 đối tác (14/06/2027)." in description
    assert "Target range 5 to 10 đối tác." in description


def test_size_and_font_are_parameters():
    svg = _svg(
        _target("cumulative", 5, 10), *SERIES, width=400, height=200, font_family="DejaVu Sans"
    )
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("400", "200")
    assert root.get("viewBox") == "0 0 400 200"
    assert root.get("font-family") == "DejaVu Sans"
    assert ET.fromstring(_svg(_target("cumulative", 5, 10))).get("font-family") == (
        "Liberation Serif, serif"
    )


def test_milestone_indicator():
    target = _target("milestone", 1, unit="hoàn thành")
    achieved = ET.fromstring(_svg(target, (date(2026, 12, 14), "0"), (date(2027, 6, 14), "1")))
    assert len(_classed(achieved, "milestone-achieved")) == 1
    assert _classed(achieved, "milestone-pending") == []
    assert "Since 14/06/2027" in "".join(achieved.itertext())

    pending = ET.fromstring(_svg(target, (date(2026, 12, 14), "0")))
    assert len(_classed(pending, "milestone-pending")) == 1
    assert _classed(pending, "milestone-achieved") == []
    assert "Deadline: 2030" in "".join(pending.itertext())
    assert ET.fromstring(_svg(target)).find(f"{SVG}desc").text.startswith("No data yet.")


def test_computed_value_of_today_is_a_point():
    """A computed figure adds today's value after the measurements."""
    target = _target("cumulative", 5, 10, source="computed", computed="new_partners")
    state = evaluate(target, [Point(TODAY, Decimal(3))], TODAY)
    root = ET.fromstring(target_chart_svg(state))
    assert len(_classed(root, "point")) == 1


def test_weasyprint_renders_the_chart_without_fetching_anything():
    """The reports' annexes embed the same markup in PDFs (config.pdf refuses any fetch)."""
    from config.pdf import render_pdf

    charts = "".join(
        _svg(target, *SERIES)
        for target in (
            _target("cumulative", 5, 10),
            _target("index", 26, baseline_value=Decimal(19)),
            _target("per_year", 2, 3),
            _target("milestone", 1),
        )
    )
    pdf = render_pdf(f"<!doctype html><html><body>{charts}</body></html>")
    assert pdf.startswith(b"%PDF")
