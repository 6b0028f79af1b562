"""Seeded generators of damaged, hostile and odd spreadsheet files for the import tests.

Every file starts from the real import template the portal serves (``template_workbook``, the
file behind the "download the template" link) and is changed by one mutation drawn from a
``random.Random(seed)``: the same seed gives the same files, so a failure names a file that
can be rebuilt (``Mutator(...).file(index)``).

Two kinds of mutation:

* semantic ones rewrite the first worksheet's XML inside the template's package (wrong types,
  huge cells, formulas, error cells, merged cells, NFD text, wrong/missing/duplicate headers,
  empty sheets, cells far away, out-of-range dates, hostile text…), or, for some, rebuild the
  sheet with openpyxl as another program would write it;
* structural ones damage the package itself (truncated, bit flips, missing or broken parts,
  XML entities, duplicate members) or hand over something that is not a workbook at all under
  an .xlsx name (CSV in several encodings and delimiters, HTML, PDF, an .xls, an .ods, random
  bytes).

No Hypothesis: the test suite adds no dependency for this; a seeded generator is enough.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

from agreements.resources import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    DecimalWidget,
    LookupWidget,
)

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
SHEET_DATA_RE = re.compile(r"<sheetData\s*/>|<sheetData>.*</sheetData>", re.S)
EXCEL_MAX_CELL = 32_767

# Text a user (or an attacker) may paste into any cell.
XSS = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = [
    XSS,
    IMG,
    "{{ request.user.password }}",
    "{% debug %}",
    '=HYPERLINK("http://evil.example/","Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "'=1+1",
    "\u202eabc.exe\u202c",
    "\u200f\u200bẩn\u200d\u2060",
    "\ufeffBOM ở đầu",
    "😀 đối tác 🇻🇳",
    "\U0001d518\U0001d52b\U0001d526",  # mathematical Fraktur letters
    "../../etc/passwd",
    "file:///etc/passwd",
    "<svg><image href='file:///etc/passwd'/></svg>",
    "@import url(http://127.0.0.1/x.css);",
]
ODD_TEXT = [
    "",
    " ",
    "\u00a0",
    "\u200b",
    "\n",
    "\r\n",
    "   lề   thừa   ",
    "Tỉnh Xiêng Khoảng",
    unicodedata.normalize("NFD", "Tỉnh Xiêng Khoảng"),
    "TỈNH XIÊNG KHOẢNG",
    "1.500,5",
    "12,5",
    "1e400",
    "NaN",
    "-inf",
    "-0",
    "0x1F",
    "١٢٣",
    "\uff11\uff12",  # full-width digits
    "31/02/2026",
    "29/02/2025",
    "00/00/0000",
    "01/01/0001",
    "31/12/9999",
    "1/1/99999",
    "2026-02-10",
    "10.02.2026",
    "#N/A",
    "Có",
    "KHÔNG",
    "x",
    ";",
    ";;;",
    "SNgV;SNgV",
    "a;b\nc",
    "_x0000_",
    "_x0001_",
    "_x000B_chữ",
    "A" * 300,
    "Đ" * 1000,
]
NUMBERS = [
    0,
    -1,
    -0.0,
    1.5,
    12.300000000000001,
    1e-20,
    1e308,
    -1e308,
    2**63,
    2**70,
    45000,
    3.141592653589793,
    Decimal("123456789012345.678"),
]
DATES = [
    date(1, 1, 1),
    date(1899, 12, 31),
    date(1900, 1, 1),
    date(2101, 1, 1),
    date(9999, 12, 31),
    datetime(2026, 2, 10, 13, 45),
    date(2026, 2, 10),
]


@dataclass(frozen=True)
class Raw:
    """A cell written as given: ``attrs`` on <c>, ``inner`` its children (XML)."""

    attrs: str
    inner: str


RAW_CELLS = [
    Raw("", "<f>SUM(1,2)</f>"),  # a formula without a cached value
    Raw('t="str"', "<f>A1</f><v>=cmd|' /C calc'!A0</v>"),  # a cached text starting with =
    Raw('t="str"', "<f>NOW()</f><v>31/12/2025</v>"),
    Raw("", "<f>1/0</f><v>#DIV/0!</v>"),
    Raw('t="e"', "<v>#N/A</v>"),
    Raw('t="e"', "<v>#REF!</v>"),
    Raw('t="e"', "<v>#VALUE!</v>"),
    Raw('t="b"', "<v>2</v>"),
    Raw('t="b"', "<v>x</v>"),
    Raw("", "<v>abc</v>"),
    Raw("", "<v>NaN</v>"),
    Raw("", "<v>INF</v>"),
    Raw("", "<v>1e999</v>"),
    Raw("", "<v></v>"),
    Raw('t="d"', "<v>0001-01-01T00:00:00</v>"),
    Raw('t="d"', "<v>9999-12-31T00:00:00</v>"),
    Raw('t="d"', "<v>2026-02-31</v>"),
    Raw('t="d"', "<v>not a date</v>"),
    Raw('t="s"', "<v>99</v>"),  # a shared string that does not exist
    Raw('t="s"', "<v>-1</v>"),
    Raw('t="zz"', "<v>1</v>"),
    Raw('t="inlineStr"', "<is><r><t>Tỉnh </t></r><r><rPr><b/></rPr><t>Vân Nam</t></r></is>"),
    Raw('t="inlineStr"', "<is></is>"),
    Raw('t="inlineStr"', '<is><t xml:space="preserve">  </t></is>'),
    Raw('s="999"', "<v>45000</v>"),  # a style that does not exist
]

# Things that are not workbooks, under an .xlsx name.
CSV_ROWS = [
    ["Tên tiếng Việt", "Loại đối tác", "Quốc gia"],
    ["Tỉnh Xiêng Khoảng", "Tỉnh/bang", "LA"],
    ['"Có ngoặc; và dấu phẩy, "', "=1+1", "@SUM(A1)"],
]


def csv_variants() -> dict[str, bytes]:
    """The same small table as CSV in the encodings and delimiters Excel users produce."""
    variants = {}
    for delimiter_name, delimiter in (("comma", ","), ("semicolon", ";"), ("tab", "\t")):
        text = "\r\n".join(
            delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row)
            for row in CSV_ROWS
        )
        for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1258", "utf-32"):
            try:
                variants[f"csv-{delimiter_name}-{encoding}"] = text.encode(encoding)
            except UnicodeEncodeError:
                variants[f"csv-{delimiter_name}-{encoding}"] = text.encode(encoding, "replace")
    variants["csv-nfd-bom"] = unicodedata.normalize("NFD", "\ufeff" + "Tên;Loại\nÁ;B").encode()
    variants["csv-mac-roman"] = "Tên,Loại\rA,B".encode("mac_roman", "replace")
    return variants


def foreign_files() -> dict[str, bytes]:
    """Files of other kinds, as users pick them by mistake."""
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return {
        **csv_variants(),
        "empty": b"",
        "one-byte": b"P",
        "zip-magic-only": b"PK\x03\x04",
        "empty-zip": b"PK\x05\x06" + b"\x00" * 18,
        "html-table": "<html><body><table><tr><td>Tên</td></tr></table></body></html>".encode(),
        "xml-spreadsheet-2003": (
            '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            "<Worksheet><Table><Row><Cell><Data>Tên</Data></Cell></Row></Table></Worksheet>"
            "</Workbook>"
        ).encode(),
        "pdf": b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        "xls-ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000,
        "ods": ods.getvalue(),
        "plain-zip": plain_zip.getvalue(),
        "docx-like": docx.getvalue(),
        "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "json": b'{"rows": [["T\xc3\xaan"]]}',
        "utf16-text": "Tên\tLoại".encode("utf-16"),
        "gzip": b"\x1f\x8b\x08\x00" + b"\x00" * 32,
    }


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------
VIETNAMESE_LETTERS = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]"
)
QUOTED = re.compile(r"“[^”]*”|«[^»]*»")


def is_vietnamese(message: str) -> bool:
    """The message's own words (not the values it quotes) carry Vietnamese letters: an
    English message quoting a Vietnamese cell does not pass."""
    words = QUOTED.sub("", unicodedata.normalize("NFC", str(message))).lower()
    return bool(VIETNAMESE_LETTERS.search(words))


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------
def column_kind(widget) -> str:
    """What a template column holds, from its import widget."""
    if isinstance(widget, DateWidget):
        return "date"
    if isinstance(widget, DecimalWidget):
        return "number"
    if type(widget).__name__ == "IntegerWidget":
        return "integer"
    if isinstance(widget, BooleanWidget):
        return "boolean"
    if isinstance(widget, ChoiceWidget):
        return "choice"
    if isinstance(widget, CountryWidget):
        return "country"
    if isinstance(widget, LookupWidget):
        return "lookup"
    return "text"


def template_headers(template: bytes) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(template), read_only=True)
    try:
        return [str(v) for v in next(workbook.worksheets[0].iter_rows(values_only=True))]
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# Writing a sheet into the template's package
# ---------------------------------------------------------------------------------------------
NOT_XML_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text_xml(text: str) -> str:
    # Characters XML 1.0 cannot carry are written the way Excel writes them (_xHHHH_).
    return escape(NOT_XML_CHARS.sub(lambda m: f"_x{ord(m[0]):04X}_", text))


def cell_xml(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return f'<c r="{ref}" {value.attrs}>{value.inner}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return (
            f'<c r="{ref}"><v>{value!r}</v></c>'
            if isinstance(value, float)
            else (f'<c r="{ref}"><v>{value}</v></c>')
        )
    if isinstance(value, datetime | date):
        stamp = value.isoformat() if isinstance(value, datetime) else f"{value}T00:00:00"
        return f'<c r="{ref}" t="d"><v>{stamp}</v></c>'
    return (
        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text_xml(str(value))}</t>'
        "</is></c>"
    )


def sheet_data_xml(rows: list[tuple[int, list]]) -> str:
    parts = ["<sheetData>"]
    for number, values in rows:
        cells = "".join(
            cell_xml(f"{get_column_letter(col)}{number}", value)
            for col, value in enumerate(values, start=1)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData>")
    return "".join(parts)


def numbered(rows: list[list]) -> list[tuple[int, list]]:
    return list(enumerate(rows, start=1))


def read_package(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_package(
    members: dict[str, bytes] | list[tuple[str, bytes]], *, compression=zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in items:
            archive.writestr(name, content)
    return buffer.getvalue()


def with_sheet(
    template: bytes, rows: list[tuple[int, list]], *, merges: list[str] = (), extra: str = ""
) -> bytes:
    """The template's package with its first sheet's data replaced by ``rows``."""
    members = read_package(template)
    sheet = members[SHEET].decode()
    data = sheet_data_xml(rows)
    if merges:
        data += (
            f'<mergeCells count="{len(merges)}">'
            + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
            + "</mergeCells>"
        )
    data += extra
    members[SHEET] = SHEET_DATA_RE.sub(lambda _m: data, sheet, count=1).encode()
    return write_package(members)


SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(template: bytes, rows: list[tuple[int, list]]) -> bytes:
    """The template with ``rows``, every text in xl/sharedStrings.xml (``_xHHHH_`` escapes in
    the text are kept as written: that is how Excel stores control characters)."""
    strings: dict[str, int] = {}
    indexed = []
    for number, values in rows:
        cells = []
        for value in values:
            if isinstance(value, str):
                cells.append(Raw('t="s"', f"<v>{strings.setdefault(value, len(strings))}</v>"))
            else:
                cells.append(value)
        indexed.append((number, cells))
    members = read_package(template)
    members[SHEET] = SHEET_DATA_RE.sub(
        lambda _m: sheet_data_xml(indexed), members[SHEET].decode(), count=1
    ).encode()
    items = "".join(
        f'<si><t xml:space="preserve">{escape(NOT_XML_CHARS.sub("", text))}</t></si>'
        for text in strings
    )
    members["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}" /></Types>'.encode(),
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="{SST_REL}" />'
        "</Relationships>".encode(),
    )
    return write_package(members)


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FuzzFile:
    index: int
    mutation: str
    detail: str
    name: str
    data: bytes

    def renamed(self, name: str) -> FuzzFile:
        return replace(self, name=name)

    @property
    def expected_good(self) -> bool:
        """Built from good rows by a change that must not matter: it has to import."""
        return self.mutation in GOOD_MUTATIONS

    def __str__(self) -> str:
        return f"#{self.index} {self.mutation} ({self.detail}) {self.name!r} {len(self.data)} B"


GOOD_MUTATIONS = {
    "good",
    "nfd-everywhere",
    "headers-shuffled",
    "headers-case-and-spaces",
    "header-after-blank-rows",
    "blank-rows-between",
    "stored-not-deflated",
    "hostile-text-in-text-columns",
    "openpyxl-written",
    "shared-strings",
    "wrong-dimension",
}


@dataclass
class Mutator:
    """Files for one import (resource): ``good_rows(rng, n)`` gives n valid rows as
    {header: value}, fresh ones each call (numbers and names the database has not seen)."""

    template: bytes
    kinds: dict[str, str]  # header -> column kind
    required: list[str]
    good_rows: Callable[[random.Random, int], list[dict]]
    seed: int | str = 8
    # Free-text columns with no special reading (no lists, no members): any text imports.
    free_text_headers: frozenset[str] = frozenset()
    headers: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.headers = template_headers(self.template)
        assert list(self.kinds) == self.headers, "the template's headers are the resource's"
        self.mutations: list[tuple[str, int, Callable[[random.Random], tuple[str, str, bytes]]]] = [
            ("good", 6, self.m_good),
            ("wrong-types", 10, self.m_wrong_types),
            ("odd-text", 10, self.m_odd_text),
            ("hostile-text-in-text-columns", 5, self.m_hostile_text),
            ("huge-cell", 4, self.m_huge_cell),
            ("raw-cells", 8, self.m_raw_cells),
            ("merged-cells", 4, self.m_merged),
            ("nfd-everywhere", 3, self.m_nfd),
            ("headers-missing", 3, self.m_headers_missing),
            ("headers-unknown", 3, self.m_headers_unknown),
            ("headers-duplicate", 3, self.m_headers_duplicate),
            ("headers-shuffled", 3, self.m_headers_shuffled),
            ("headers-case-and-spaces", 2, self.m_headers_case),
            ("headers-not-text", 2, self.m_headers_not_text),
            ("header-after-blank-rows", 2, self.m_header_late),
            ("no-header-row", 2, self.m_no_header),
            ("empty-sheet", 3, self.m_empty),
            ("blank-rows-between", 2, self.m_blank_rows),
            ("far-away-cell", 2, self.m_far_cell),
            ("wrong-dimension", 2, self.m_wrong_dimension),
            ("row-beyond-excel", 1, self.m_row_beyond_excel),
            ("duplicate-rows", 3, self.m_duplicates),
            ("dates", 5, self.m_dates),
            ("numbers", 4, self.m_numbers),
            ("shared-strings", 4, self.m_shared_strings),
            ("guide-sheet-first", 1, self.m_guide_first),
            ("stored-not-deflated", 1, self.m_stored),
            ("openpyxl-written", 3, self.m_openpyxl),
            ("truncated", 5, self.m_truncated),
            ("bit-flips", 5, self.m_bitflips),
            ("chunk-overwritten", 3, self.m_chunk),
            ("random-bytes", 3, self.m_random_bytes),
            ("part-missing", 3, self.m_part_missing),
            ("part-garbage", 3, self.m_part_garbage),
            ("xml-entities", 2, self.m_xml_entities),
            ("duplicate-zip-member", 1, self.m_duplicate_member),
            ("not-a-workbook", 4, self.m_foreign),
        ]
        self._foreign = sorted(foreign_files().items())

    # -- driving ---------------------------------------------------------------------------
    def files(self, count: int) -> Iterator[FuzzFile]:
        for index in range(count):
            yield self.file(index)

    def file(self, index: int) -> FuzzFile:
        rng = random.Random(f"{self.seed}-{index}")
        # Every mutation once first, then drawn by weight.
        if index < len(self.mutations):
            name, _weight, make = self.mutations[index]
        else:
            name, _weight, make = rng.choices(
                self.mutations, weights=[weight for _n, weight, _m in self.mutations]
            )[0]
        detail, filename, data = make(rng)
        return FuzzFile(index, name, detail, filename, data)

    # -- helpers ---------------------------------------------------------------------------
    def rows(self, rng: random.Random, n: int | None = None) -> list[list]:
        n = n if n is not None else rng.choice([1, 1, 1, 2, 3])
        return [[row.get(h) for h in self.headers] for row in self.good_rows(rng, n)]

    def build(self, rows: list[list], headers: list | None = None, **kwargs) -> bytes:
        return with_sheet(self.template, numbered([headers or self.headers, *rows]), **kwargs)

    def columns_of(self, *kinds: str) -> list[int]:
        return [i for i, h in enumerate(self.headers) if self.kinds[h] in kinds]

    def good_bytes(self, rng: random.Random) -> bytes:
        return self.build(self.rows(rng))

    @staticmethod
    def pick_cell(rng: random.Random, rows: list[list], columns: list[int]) -> tuple[int, int]:
        return rng.randrange(len(rows)), rng.choice(columns)

    # -- semantic mutations ----------------------------------------------------------------
    def m_good(self, rng):
        rows = self.rows(rng)
        return f"{len(rows)} rows", "du-lieu.xlsx", self.build(rows)

    def m_wrong_types(self, rng):
        rows = self.rows(rng)
        pool = [*NUMBERS, *DATES, True, False, *ODD_TEXT[:20]]
        changed = []
        for _ in range(rng.randint(1, 4)):
            r, c = self.pick_cell(rng, rows, list(range(len(self.headers))))
            rows[r][c] = rng.choice(pool)
            changed.append(f"{self.headers[c]}={rows[r][c]!r:.40}")
        return "; ".join(changed), "du-lieu.xlsx", self.build(rows)

    def m_odd_text(self, rng):
        rows = self.rows(rng)
        changed = []
        for _ in range(rng.randint(1, 5)):
            r, c = self.pick_cell(rng, rows, list(range(len(self.headers))))
            rows[r][c] = rng.choice(ODD_TEXT)
            changed.append(f"{self.headers[c]}={rows[r][c]!r:.40}")
        return "; ".join(changed), "du-lieu.xlsx", self.build(rows)

    def m_hostile_text(self, rng):
        # Only free-text columns that accept anything: the file must still import.
        rows = self.rows(rng)
        free = [i for i, header in enumerate(self.headers) if header in self.free_text_headers]
        for row in rows:
            for c in free:
                row[c] = rng.choice(HOSTILE_TEXT)
        names = ", ".join(self.headers[c] for c in free) or "none"
        return names, "du-lieu.xlsx", self.build(rows)

    def m_huge_cell(self, rng):
        rows = self.rows(rng)
        r, c = self.pick_cell(rng, rows, list(range(len(self.headers))))
        length = rng.choice([EXCEL_MAX_CELL, EXCEL_MAX_CELL + 1, 100_000, 1_000_000])
        rows[r][c] = (rng.choice(["Đ", "a", "<", "😀", "1"]) * length)[:length]
        return f"{self.headers[c]}: {length} chars", "du-lieu.xlsx", self.build(rows)

    def m_raw_cells(self, rng):
        rows = self.rows(rng)
        changed = []
        for _ in range(rng.randint(1, 3)):
            r, c = self.pick_cell(rng, rows, list(range(len(self.headers))))
            rows[r][c] = rng.choice(RAW_CELLS)
            changed.append(f"{self.headers[c]}={rows[r][c].inner[:30]}")
        return "; ".join(changed), "du-lieu.xlsx", self.build(rows)

    def m_merged(self, rng):
        rows = self.rows(rng, rng.randint(2, 4))
        last_row = len(rows) + 1
        merges = set()
        for _ in range(rng.randint(1, 3)):
            top = rng.randint(1, last_row)
            left = rng.randint(1, len(self.headers))
            bottom = rng.randint(top, last_row)
            right = rng.randint(left, min(len(self.headers), left + 3))
            if (top, left) != (bottom, right):
                merges.add(f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}")
        # As Excel stores it: only the top-left cell of a merged range keeps its value.
        for ref in merges:
            (left, top), (right, bottom) = (_coords(part) for part in ref.split(":"))
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    if (r, c) != (top, left) and r >= 2:
                        rows[r - 2][c - 1] = None
        merges = sorted(merges)
        return ", ".join(merges), "du-lieu.xlsx", self.build(rows, merges=merges)

    def m_nfd(self, rng):
        def nfd(value):
            return unicodedata.normalize("NFD", value) if isinstance(value, str) else value

        rows = [[nfd(v) for v in row] for row in self.rows(rng)]
        return (
            "headers and values",
            "du-lieu.xlsx",
            self.build(rows, headers=[nfd(h) for h in self.headers]),
        )

    def m_headers_missing(self, rng):
        drop = rng.sample(range(len(self.headers)), rng.randint(1, 3))
        keep = [i for i in range(len(self.headers)) if i not in drop]
        rows = [[row[i] for i in keep] for row in self.rows(rng)]
        names = [self.headers[i] for i in drop]
        return (
            f"without {names}",
            "du-lieu.xlsx",
            self.build(rows, headers=[self.headers[i] for i in keep]),
        )

    def m_headers_unknown(self, rng):
        headers = list(self.headers)
        i = rng.randrange(len(headers))
        headers[i] = rng.choice(
            [headers[i] + " (cũ)", "Cột lạ", XSS, "Ghi chú thêm", headers[i][::-1], "=1+1"]
        )
        return (
            f"{self.headers[i]} -> {headers[i]}",
            "du-lieu.xlsx",
            self.build(self.rows(rng), headers=headers),
        )

    def m_headers_duplicate(self, rng):
        i = rng.randrange(len(self.headers))
        headers = [*self.headers, self.headers[i]]
        rows = [[*row, row[i]] for row in self.rows(rng)]
        return f"twice {self.headers[i]}", "du-lieu.xlsx", self.build(rows, headers=headers)

    def m_headers_shuffled(self, rng):
        order = list(range(len(self.headers)))
        rng.shuffle(order)
        rows = [[row[i] for i in order] for row in self.rows(rng)]
        return (
            "columns in another order",
            "du-lieu.xlsx",
            self.build(rows, headers=[self.headers[i] for i in order]),
        )

    def m_headers_case(self, rng):
        headers = [
            rng.choice([h.upper(), h.lower(), f"  {h}  ", h.replace(" ", "  "), h])
            for h in self.headers
        ]
        return "case and spaces", "du-lieu.xlsx", self.build(self.rows(rng), headers=headers)

    def m_headers_not_text(self, rng):
        headers = list(self.headers)
        for _ in range(rng.randint(1, 3)):
            headers[rng.randrange(len(headers))] = rng.choice(
                [1, 2.5, True, date(2026, 1, 1), Raw('t="e"', "<v>#N/A</v>"), Raw("", "<f>1</f>")]
            )
        return (
            "header cells that are not text",
            "du-lieu.xlsx",
            self.build(self.rows(rng), headers=headers),
        )

    def m_header_late(self, rng):
        rows = self.rows(rng)
        skip = rng.randint(1, 6)
        numbered_rows = [(skip + 1, self.headers)] + [
            (skip + 2 + i, row) for i, row in enumerate(rows)
        ]
        return f"header on row {skip + 1}", "du-lieu.xlsx", with_sheet(self.template, numbered_rows)

    def m_no_header(self, rng):
        rows = self.rows(rng, rng.randint(1, 3))
        return "data only", "du-lieu.xlsx", with_sheet(self.template, numbered(rows))

    def m_empty(self, rng):
        choice = rng.randrange(4)
        if choice == 0:
            return "the template as served", "mau-nhap.xlsx", self.template
        if choice == 1:
            return "no cells at all", "du-lieu.xlsx", with_sheet(self.template, [])
        if choice == 2:
            blank = [" ", "\u00a0", "", None, "\t"]
            rows = [[rng.choice(blank) for _h in self.headers] for _ in range(3)]
            return "whitespace only", "du-lieu.xlsx", with_sheet(self.template, numbered(rows))
        rows = [[None] * len(self.headers) for _ in range(5)]
        return "header and empty rows", "du-lieu.xlsx", self.build(rows)

    def m_blank_rows(self, rng):
        rows = self.rows(rng, 2)
        gap = rng.randint(2, 50)
        numbered_rows = [(1, self.headers), (2, rows[0]), (2 + gap, rows[1])]
        return f"{gap} blank rows", "du-lieu.xlsx", with_sheet(self.template, numbered_rows)

    def m_far_cell(self, rng):
        rows = self.rows(rng, 1)
        where = rng.choice(["XFD2", "XFD1", "A1048576", "XFD1048576", "ZZ3"])
        extra_row = int(re.match(r"[A-Z]+(\d+)", where)[1])
        sheet_rows = numbered([self.headers, *rows])
        cell = Raw('t="inlineStr"', "<is><t>xa</t></is>")
        far = f'<c r="{where}" {cell.attrs}>{cell.inner}</c>'
        data = sheet_data_xml(sheet_rows)
        if extra_row <= len(sheet_rows):  # at the end of an existing row
            data = re.sub(
                rf'(<row r="{extra_row}">.*?)(</row>)', rf"\1{far}\2", data, count=1, flags=re.S
            )
        else:
            data = data.replace("</sheetData>", f'<row r="{extra_row}">{far}</row></sheetData>')
        members = read_package(self.template)
        members[SHEET] = SHEET_DATA_RE.sub(lambda _m: data, members[SHEET].decode()).encode()
        return where, "du-lieu.xlsx", write_package(members)

    def m_wrong_dimension(self, rng):
        """A declared size smaller (or larger) than the data, as some programs write it:
        every row must still be read."""
        rows = self.rows(rng, rng.randint(2, 4))
        ref = rng.choice(["A1:B2", "A1", "A1:XFD1048576", "C3:D4"])
        members = read_package(self.build(rows))
        members[SHEET] = members[SHEET].replace(
            b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1
        )
        return f"dimension {ref}", "du-lieu.xlsx", write_package(members)

    def m_row_beyond_excel(self, rng):
        rows = self.rows(rng, 1)
        number = rng.choice([1_048_577, 5_000_000, 2**31])
        far = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>'
        members = read_package(self.build(rows))
        members[SHEET] = members[SHEET].replace(b"</sheetData>", f"{far}</sheetData>".encode())
        return f"row {number}", "du-lieu.xlsx", write_package(members)

    def m_duplicates(self, rng):
        row = self.rows(rng, 1)[0]
        times = rng.randint(2, 4)
        return f"one row {times} times", "du-lieu.xlsx", self.build([list(row)] * times)

    def m_dates(self, rng):
        columns = self.columns_of("date") or list(range(len(self.headers)))
        rows = self.rows(rng)
        changed = []
        for _ in range(rng.randint(1, 3)):
            r, c = self.pick_cell(rng, rows, columns)
            rows[r][c] = rng.choice(
                [
                    *DATES,
                    *[Raw('t="d"', f"<v>{v}</v>") for v in ("0001-01-01", "9999-12-31")],
                    "31/02/2026",
                    "29/02/2025",
                    "01/01/0001",
                    "31/12/9999",
                    "05/02/2026",
                    "5/2/2026",
                    -1,
                    0,
                    60,
                    2_958_466,
                    10**7,
                ]
            )
            changed.append(f"{self.headers[c]}={rows[r][c]!r:.40}")
        return "; ".join(changed), "du-lieu.xlsx", self.build(rows)

    def m_numbers(self, rng):
        columns = self.columns_of("number", "integer") or list(range(len(self.headers)))
        rows = self.rows(rng)
        changed = []
        for _ in range(rng.randint(1, 3)):
            r, c = self.pick_cell(rng, rows, columns)
            rows[r][c] = rng.choice(
                [
                    *NUMBERS,
                    "1.500",
                    "1,5",
                    "1.500,25",
                    "1,500.25",
                    "-5",
                    "5-",
                    "1 000",
                    "12abc",
                    "999999999999999999",
                    "1e3",
                    "0,001",
                    Raw("", "<v>NaN</v>"),
                    Raw("", "<v>1e999</v>"),
                ]
            )
            changed.append(f"{self.headers[c]}={rows[r][c]!r:.40}")
        return "; ".join(changed), "du-lieu.xlsx", self.build(rows)

    def m_shared_strings(self, rng):
        """Text in the shared-strings part, as Excel writes it (with its _xHHHH_ escapes);
        one value in four is an odd one."""
        rows = self.rows(rng)
        for row in rows:
            for c, value in enumerate(row):
                odd = isinstance(value, str) and rng.random() < 0.25
                if odd and self.headers[c] in self.free_text_headers:
                    row[c] = value + rng.choice(["_x0000_", "_x0001_", "_x000B_", "_x001F_"])
        return (
            "text as shared strings",
            "du-lieu.xlsx",
            shared_strings(self.template, numbered([self.headers, *rows])),
        )

    def m_guide_sheet_first(self, rng):
        members = read_package(self.good_bytes(rng))
        workbook = members[WORKBOOK].decode()
        sheets = re.findall(r"<sheet [^>]*/>", workbook)
        if len(sheets) >= 2:
            workbook = workbook.replace(sheets[0], "\0").replace(sheets[1], sheets[0])
            workbook = workbook.replace("\0", sheets[1])
        members[WORKBOOK] = workbook.encode()
        return "the guide is the first sheet", "du-lieu.xlsx", write_package(members)

    m_guide_first = m_guide_sheet_first

    def m_stored(self, rng):
        members = read_package(self.good_bytes(rng))
        return (
            "zip members stored",
            "du-lieu.xlsx",
            write_package(members, compression=zipfile.ZIP_STORED),
        )

    def m_openpyxl(self, rng):
        """Written by openpyxl from the loaded template (another program's file layout)."""
        workbook = openpyxl.load_workbook(io.BytesIO(self.template))
        sheet = workbook.worksheets[0]
        for row in self.rows(rng):
            sheet.append(row)
        if rng.random() < 0.5:
            sheet.append([None] * len(self.headers))  # a trailing empty row
        buffer = io.BytesIO()
        workbook.save(buffer)
        return "load, append, save", "du-lieu.xlsx", buffer.getvalue()

    # -- structural mutations --------------------------------------------------------------
    def m_truncated(self, rng):
        data = self.good_bytes(rng)
        cut = rng.randrange(0, len(data))
        return f"first {cut} of {len(data)} bytes", "du-lieu.xlsx", data[:cut]

    def m_bitflips(self, rng):
        data = bytearray(self.good_bytes(rng))
        flips = rng.randint(1, 20)
        for _ in range(flips):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        return f"{flips} bits", "du-lieu.xlsx", bytes(data)

    def m_chunk(self, rng):
        data = bytearray(self.good_bytes(rng))
        start = rng.randrange(len(data))
        size = rng.randint(1, 512)
        action = rng.choice(["overwrite", "insert", "delete"])
        noise = rng.randbytes(size)
        if action == "overwrite":
            data[start : start + size] = noise[: len(data) - start]
        elif action == "insert":
            data[start:start] = noise
        else:
            del data[start : start + size]
        return f"{action} {size} bytes at {start}", "du-lieu.xlsx", bytes(data)

    def m_random_bytes(self, rng):
        size = rng.choice([1, 16, 1000, 100_000])
        head = rng.choice([b"", b"PK\x03\x04", b"PK\x05\x06"])
        return f"{size} random bytes after {head!r}", "du-lieu.xlsx", head + rng.randbytes(size)

    def m_part_missing(self, rng):
        members = read_package(self.good_bytes(rng))
        name = rng.choice(
            [
                SHEET,
                WORKBOOK,
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
                "xl/theme/theme1.xml",
            ]
        )
        members.pop(name, None)
        return f"without {name}", "du-lieu.xlsx", write_package(members)

    def m_part_garbage(self, rng):
        members = read_package(self.good_bytes(rng))
        name = rng.choice(sorted(members))
        content = members[name]
        how = rng.randrange(4)
        if how == 0:
            members[name] = content[: rng.randrange(max(1, len(content)))]
        elif how == 1:
            members[name] = rng.randbytes(200)
        elif how == 2:
            members[name] = content.replace(b"<", b"<<", 1)
        else:
            members[name] = b""
        return f"{name} damaged ({how})", "du-lieu.xlsx", write_package(members)

    def m_xml_entities(self, rng):
        members = read_package(self.good_bytes(rng))
        sheet = members[SHEET].decode()
        body = sheet[sheet.index("<worksheet") :]
        if rng.random() < 0.5:
            doctype = (
                '<?xml version="1.0"?><!DOCTYPE worksheet ['
                '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            )
            body = body.replace("</t>", "&xxe;</t>", 1)
            detail = "external entity file:///etc/passwd"
        else:
            lol = '<!ENTITY a0 "lol">' + "".join(
                f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
            )
            doctype = f'<?xml version="1.0"?><!DOCTYPE worksheet [{lol}]>'
            body = body.replace("</t>", "&a9;</t>", 1)
            detail = "billion laughs"
        members[SHEET] = (doctype + body).encode()
        return detail, "du-lieu.xlsx", write_package(members)

    def m_duplicate_member(self, rng):
        members = read_package(self.good_bytes(rng))
        other = self.build(self.rows(rng), headers=list(reversed(self.headers)))
        items = [*members.items(), (SHEET, read_package(other)[SHEET])]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            data = write_package(items)
        return "the sheet twice in the zip", "du-lieu.xlsx", data

    def m_foreign(self, rng):
        name, data = rng.choice(self._foreign)
        return name, "du-lieu.xlsx", data


def _coords(ref: str) -> tuple[int, int]:
    letters, digits = re.match(r"([A-Z]+)(\d+)", ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column, int(digits)


# ---------------------------------------------------------------------------------------------
# Big files, built once
# ---------------------------------------------------------------------------------------------
def many_rows_xlsx(template: bytes, headers: list[str], row: list, count: int) -> bytes:
    """``count`` copies of ``row`` under ``headers``, the sheet XML written directly (openpyxl
    would take a minute for 100,000 rows); compresses to well under the upload limit."""
    cells = [cell_xml("{col}{row}", value) for value in row]
    letters = [get_column_letter(i) for i in range(1, len(row) + 1)]
    templates = [
        cell.replace('r="{col}{row}"', f'r="{letter}%d"') if cell else ""
        for cell, letter in zip(cells, letters, strict=True)
    ]
    row_template = '<row r="%d">' + "".join(templates) + "</row>"
    header_xml = sheet_data_xml(numbered([headers]))[len("<sheetData>") : -len("</sheetData>")]
    parts = ["<sheetData>", header_xml]
    slots = row_template.count("%d")
    for number in range(2, count + 2):
        parts.append(row_template % ((number,) * slots))
    parts.append("</sheetData>")
    members = read_package(template)
    members[SHEET] = SHEET_DATA_RE.sub(
        lambda _m: "".join(parts), members[SHEET].decode(), count=1
    ).encode()
    return write_package(members)


def zip_bomb(template: bytes, unpacked: int) -> bytes:
    """The template with a sheet that unpacks to ``unpacked`` bytes (mostly blanks)."""
    members = read_package(template)
    sheet = members[SHEET].decode()
    head, tail = sheet.split("<sheetData>", 1)
    left = unpacked - len(sheet.encode())
    chunk = b" " * (1 << 22)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if name != SHEET:
                archive.writestr(name, content)
        with archive.open(SHEET, "w", force_zip64=True) as target:
            target.write(head.encode())
            while left > 0:
                target.write(chunk[:left])
                left -= len(chunk)
            target.write(("<sheetData>" + tail).encode())
    return buffer.getvalue()
