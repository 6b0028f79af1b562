"""The streaming reader of uploaded workbooks (agreements.xlsx) against openpyxl itself.

openpyxl's read-only mode is the reference: for each workbook below, written as Excel and other
programs write their XML, the reader must give the very values openpyxl gives (or fail where
openpyxl fails), row numbers included. The one deliberate difference, a declared sheet size
that is not trusted, is tested in test_excel / the import fuzzing.
"""

from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest

from agreements import excel, xlsx
from agreements.resources import CellError

# openpyxl warns about the odd workbooks below (no default style, dates out of range).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Cell styles: 0 plain, 1 a built-in date (14), 2 a custom date, 3 a time of day, 4 a duration,
# 5 a number with decimals.
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>'
    '<cellXfs count="6"><xf numFmtId="{first}"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="4"/></cellXfs></styleSheet>'
)
STRINGS = [
    "<si><t>Tên</t></si>",
    "<si><t>Ngày</t></si>",
    # Rich text in two runs, with a phonetic guide that is not part of the text.
    "<si><r><t>Xiêng </t></r><r><rPr><b/></rPr><t>Khoảng</t></r><rPh sb='0' eb='1'><t>x</t>"
    "</rPh></si>",
    '<si><t xml:space="preserve">  lề  </t></si>',
    "<si><t>#N/A</t></si>",  # text that reads as an error value
    "<si><t>a_x005F_x000D_b</t></si>",  # Excel's escape of a literal "_x000D_"
    "<si><t/></si>",
]


def package(sheet_data: str, *, first_style: int = 0, date1904: bool = False) -> bytes:
    """A workbook whose first sheet holds ``sheet_data`` (the inside of <sheetData>)."""
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            + ('<workbookPr date1904="1"/>' if date1904 else "")
            + '<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": STYLES.replace("{first}", str(first_style)),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{"".join(STRINGS)}</sst>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def by_openpyxl(data: bytes) -> list[tuple[int, list]]:
    """The rows as the import read them with openpyxl: read-only, cached values, every row
    (the declared size not trusted), MAX_COLUMNS wide, error values marked."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=excel.MAX_COLUMNS, values_only=True)
        return kept(
            (number, [CellError(v) if v in ERROR_TEXTS else v for v in values])
            for number, values in enumerate(rows, start=1)
        )
    finally:
        workbook.close()


def by_reader(data: bytes) -> list[tuple[int, list]]:
    return kept(xlsx.first_sheet_rows(data, max_columns=excel.MAX_COLUMNS))


ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def kept(rows) -> list[tuple[int, list]]:
    """Rows with something in them, trailing empty cells dropped; error values compared by
    their type as well as their text."""
    found = []
    for number, values in rows:
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        if values:
            found.append((number, [(type(v).__name__, v) for v in values]))
    return found


def outcome(read, data: bytes):
    try:
        return "read", read(data)
    except Exception:  # what matters is that both fail
        return "failed", None


def cells(*values: str, row: int | None = None) -> str:
    number = f' r="{row}"' if row is not None else ""
    return f"<row{number}>{''.join(values)}</row>"


CASES = {
    "text": cells(
        '<c r="A1" t="s"><v>0</v></c>',
        '<c r="B1" t="s"><v>2</v></c>',
        '<c r="C1" t="s"><v>3</v></c>',
        '<c r="D1" t="s"><v>5</v></c>',
        '<c r="E1" t="s"><v>6</v></c>',
        '<c r="F1" t="inlineStr"><is><t>Lào</t></is></c>',
        '<c r="G1" t="inlineStr"><is><r><t>Vân </t></r><r><t>Nam</t></r></is></c>',
        '<c r="H1" t="inlineStr"><is/></c>',
        '<c r="I1" t="inlineStr"/>',
        '<c r="J1" t="str"><f>A1</f><v>Tên</v></c>',
        '<c r="K1" t="s"><v>-1</v></c>',  # the last string, as Python indexes
        row=1,
    ),
    "numbers and booleans": cells(
        '<c r="A2"><v>42</v></c>',
        '<c r="B2" t="n"><v>-3.25</v></c>',
        '<c r="C2"><v>1.5E3</v></c>',
        '<c r="D2" s="5"><v>12.300000000000001</v></c>',
        '<c r="E2"><v>1e999</v></c>',
        '<c r="F2" t="b"><v>1</v></c>',
        '<c r="G2" t="b"><v>0</v></c>',
        '<c r="H2"><v></v></c>',
        '<c r="I2" s=""><v>7</v></c>',
        row=2,
    ),
    "errors": cells(
        '<c r="A1" t="e"><v>#REF!</v></c>',
        '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        '<c r="C1" t="s"><v>4</v></c>',
        '<c r="D1" t="zz"><v>1</v></c>',
        row=1,
    ),
    "dates": cells(
        '<c r="A3" s="1"><v>45352</v></c>',
        '<c r="B3" s="2"><v>45000.5</v></c>',
        '<c r="C3" s="3"><v>0.75</v></c>',
        '<c r="D3" s="4"><v>1.5</v></c>',
        '<c r="E3" s="1"><v>59</v></c>',  # before Excel's phantom 29/02/1900
        '<c r="F3" s="1"><v>10000000</v></c>',  # past year 9999: #VALUE!
        '<c r="G3" t="d"><v>2026-02-10T13:45:00</v></c>',
        '<c r="H3" t="d"><v>2026-02-10</v></c>',
        '<c r="I3" s="999"><v>45000</v></c>',  # a style the workbook does not have
        row=3,
    ),
    "places": (
        cells('<c r="B1" t="s"><v>0</v></c>', row=1)
        + cells('<c t="s"><v>0</v></c><c t="s"><v>1</v></c>')  # no references: 2, A and B
        + cells('<c r="C4"><v>3</v></c><c r="A4"><v>1</v></c>', row=4)  # out of order
        + cells('<c r="A5"><v>5</v></c>', row=5)
        + cells('<c r="A5"><v>55</v></c>', row=5)  # the same row again: skipped
        + cells('<c r="A3"><v>3</v></c>', row=3)  # going back: skipped
        + cells('<c r="A9"><v>9</v></c><c r="XFD9"><v>1</v></c>', row=9)  # far right: cut
        + cells('<c r="IV10"><v>256</v></c><c r="IW10"><v>257</v></c>', row=10)
        + cells('<c r="a11"><v>11</v></c>', row=11)  # lower-case reference
        + cells('<c r="B12"><v>12</v></c>', row="1.2e1")
        + cells(row=13)
        + cells('<c r="A20000"><v>2</v></c>', row=20_000)
    ),
}
BROKEN = {
    "a number that is not one": cells('<c r="A1"><v>abc</v></c>', row=1),
    "NaN": cells('<c r="A1"><v>NaN</v></c>', row=1),
    "an error result not typed as one": cells('<c r="A1"><f>1/0</f><v>#DIV/0!</v></c>', row=1),
    "a shared string that does not exist": cells('<c r="A1" t="s"><v>99</v></c>', row=1),
    "a boolean that is not one": cells('<c r="A1" t="b"><v>x</v></c>', row=1),
    "a row number that is not one": cells('<c r="A1"><v>1</v></c>', row="x"),
    "a fractional row number": cells('<c r="A1"><v>1</v></c>', row="1.5"),
    "a reference without a row": cells('<c r="A"><v>1</v></c>', row=1),
    "a reference that starts with digits": cells('<c r="1A"><v>1</v></c>', row=1),
    "a column past ZZZ": cells('<c r="ABCD1"><v>1</v></c>', row=1),
    "a style that is not a number": cells('<c r="A1" t="s" s="x"><v>0</v></c>', row=1),
    "a date that is not one": cells('<c r="A1" t="d"><v>2026-02-31</v></c>', row=1),
    "an unclosed cell": cells('<c r="A1"><v>1</v>', row=1),
}


@pytest.mark.parametrize("sheet_data", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("first_style", [0, 14], ids=["plain-default", "date-default"])
@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_values_are_openpyxls(sheet_data, first_style, date1904):
    data = package(sheet_data, first_style=first_style, date1904=date1904)
    expected = outcome(by_openpyxl, data)
    assert expected[0] == "read"
    assert outcome(by_reader, data) == expected


def test_the_cases_hold_what_they_say():
    """The reference itself, on a few values, so that a change in openpyxl shows here."""
    text, numbers, errors, dates = (
        dict(by_reader(package(CASES[name])))
        for name in ("text", "numbers and booleans", "errors", "dates")
    )
    assert [v for _t, v in text[1]] == [
        "Tên", "Xiêng Khoảng", "  lề  ", "a_x000D_b", "", "Lào", "Vân Nam", "", None, "Tên", "",
    ]  # fmt: skip
    assert [v for _t, v in numbers[2]][:7] == [42, -3.25, 1500.0, 12.300000000000001,
                                               float("inf"), True, False]  # fmt: skip
    assert [t for t, _v in errors[1]] == ["CellError", "CellError", "CellError", "str"]
    assert [v for _t, v in dates[3]] == [
        datetime(2024, 3, 1), datetime(2023, 3, 15, 12), time(18), timedelta(hours=36),
        datetime(1900, 2, 28), "#VALUE!", datetime(2026, 2, 10, 13, 45), date(2026, 2, 10),
        45000,
    ]  # fmt: skip
    places = by_reader(package(CASES["places"]))
    assert [number for number, _values in places] == [1, 2, 4, 5, 9, 10, 11, 12, 20_000]
    assert [v for _t, v in dict(places)[4]] == [1, None, 3]
    assert len(dict(places)[10]) == excel.MAX_COLUMNS  # IW is column 257: left out


@pytest.mark.parametrize("sheet_data", list(BROKEN.values()), ids=list(BROKEN))
def test_damage_fails_where_openpyxl_fails(sheet_data):
    data = package(sheet_data)
    assert outcome(by_openpyxl, data)[0] == "failed"
    assert outcome(by_reader, data)[0] == "failed"
    with pytest.raises(excel.ExcelFileError) as raised:
        excel.read_xlsx(data)
    assert "không phải là tệp Excel" in raised.value.message


def test_a_damaged_zip_version_is_refused_not_a_server_error():
    """A flipped bit in a zip entry's "version needed" makes zipfile raise
    NotImplementedError (found by a differential run over the fuzz corpus)."""
    data = bytearray(package(cells('<c r="A1" t="s"><v>0</v></c>', row=1)))
    entry = data.find(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (148).to_bytes(2, "little")  # version 14.8
    with pytest.raises(excel.ExcelFileError) as raised:
        excel.read_xlsx(bytes(data))
    assert "không phải là tệp Excel" in raised.value.message


def test_a_chart_sheet_first_is_refused():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Tên"])
    chart = workbook.create_chartsheet("Biểu đồ", 0)
    assert workbook.sheetnames[0] == chart.title
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(excel.ExcelFileError) as raised:
        excel.read_xlsx(buffer.getvalue())
    assert "không phải là trang tính" in raised.value.message


def test_a_missing_first_sheet_part_skips_to_the_next_sheet():
    """As openpyxl does: a sheet listed in the workbook but absent from the package is passed
    over, so the next one is "the first sheet"."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Gone"])
    workbook.create_sheet("Hai").append(["Tên"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
    assert outcome(by_reader, damaged.getvalue()) == outcome(by_openpyxl, damaged.getvalue())
    assert excel.read_xlsx(damaged.getvalue()).headers == ["Tên"]


def test_rows_are_let_go_once_read():
    """Memory stays flat however many rows the sheet has (a small file can unpack to millions
    of empty rows)."""
    data = package("".join(f'<row r="{n}"/>' for n in range(1, 100_001)))
    tracemalloc.start()
    try:
        count = sum(1 for _ in xlsx.first_sheet_rows(data, max_columns=excel.MAX_COLUMNS))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < 3 * 2**20, peak  # the rows kept as parsed would take ~9 MB


def test_cyclic_gc_is_back_on_after_reading():
    assert gc.isenabled()
    excel.read_xlsx(package(cells('<c r="A1" t="s"><v>0</v></c>', row=1) + cells(row=2)))
    assert gc.isenabled()
    with pytest.raises(excel.ExcelFileError):
        excel.read_xlsx(package(BROKEN["a number that is not one"]))
    assert gc.isenabled()
