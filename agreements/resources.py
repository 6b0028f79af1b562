"""Excel import and export of agreements and their outputs (django-import-export 4).

The column headers are Vietnamese constants, not translations: they are the file format that
officials fill in, and a file must import the same whatever language the screen is in. Values
follow the same rule on export (choices by their Vietnamese label, dates dd/mm/yyyy, partners
by their Vietnamese name) and are read leniently on import (label or code, NFC or NFD, any
case, real Excel date cells).

An import only creates records. Each row is checked in full before anything is written, and
the errors are collected per row and column. Agreements and outputs are then written in bulk
by ``agreements_bulk_create`` / ``outputs_bulk_create`` below, which keep the rules and the
records of ``services.agreement_create`` / ``services.output_create`` (search text, partners,
signing-report notice, history with the importing user); going through the services row by
row costs about 25 queries a row, far too slow for a 10,000-row register.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any, ClassVar
from unicodedata import is_normalized, normalize

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models import Max
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import resources
from import_export.fields import Field
from import_export.widgets import Widget

from accounts.models import Agency
from accounts.paging import list_counts_forget
from accounts.text import INVISIBLE_RE, nfc
from partners.models import Partner

from .models import NOTICE_DAYS, Agreement, FieldOfCooperation, LegalNotice, Output
from .services import BACKFILL_NOTICE_DAYS

YES = "Có"
NO = "Không"
LIST_SEPARATORS = re.compile(r"[;\n]")
# Excel (and LibreOffice) treat a cell typed with one of these first characters as a formula;
# with an East Asian input method on, the full-width forms are taken for them too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BATCH_SIZE = 1000
CHANGE_REASON = "Excel import"
DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# The years a date may have: typed (dd/mm/yyyy) or in a date cell alike.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Excel's own limit on a cell's text: anything longer did not come from Excel.
MAX_CELL_CHARS = 32_767
TRUE_WORDS = {"có", "co", "c", "x", "1", "yes", "y", "true", "đúng", "dung"}
FALSE_WORDS = {"không", "khong", "k", "0", "no", "n", "false", "sai"}


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return nfc(" ".join(nfc(text).casefold().split()))


def key(text: Any) -> str:
    """The form two names are compared in: NFC, case-folded, single spaces."""
    return _key(str(text))


class CellError(str):
    """An Excel error value (#N/A, #REF!…) read from a cell."""


def cell_text(value: Any) -> str:
    """A cell's value as stripped NFC text; a quote added on export before = + - @ is removed."""
    if value is None:
        return ""
    if type(value) is str:  # the common case, kept fast
        if len(value) > MAX_CELL_CHARS:
            raise ValueError(
                _("A cell holds at most %(max)s characters (this one has %(length)s).")
                % {"max": _thousands(MAX_CELL_CHARS), "length": _thousands(len(value))}
            )
        text = value.strip()
        if not text.isascii():
            if INVISIBLE_RE.search(text):
                text = INVISIBLE_RE.sub("", text).strip()
            if not is_normalized("NFC", text):
                text = normalize("NFC", text)
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
            text = text[1:]
        return text
    if isinstance(value, CellError):
        raise ValueError(_("The cell holds an Excel error (%(error)s).") % {"error": value})
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def _thousands(number: int) -> str:
    """32.767, as Vietnamese writes it."""
    return f"{number:,}".replace(",", ".")


# ---------------------------------------------------------------------------
# Widgets: one cell <-> one value. ``clean`` raises ValueError with a message for the user.
# ---------------------------------------------------------------------------
class ExcelWidget(Widget):
    required_message = gettext_lazy("A value is required.")
    # True when ``clean`` already checks everything the model field's own clean() would.
    complete = True

    def __init__(self, *, required: bool = False) -> None:
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(str(self.required_message))
            return self.empty()
        return self.parse(value, text)

    def empty(self) -> Any:
        return None

    def parse(self, value: Any, text: Any) -> Any:
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value

    def describe(self) -> str:
        """How to fill the column, for the template's instructions sheet."""
        return _("Text")


class TextWidget(ExcelWidget):
    def __init__(self, *, required: bool = False, max_length: int | None = None) -> None:
        super().__init__(required=required)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(str(self.required_message))
            return ""
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("At most %(max)s characters (this cell has %(length)s).")
                % {"max": self.max_length, "length": len(text)}
            )
        return text

    def describe(self) -> str:
        if self.max_length:
            return _("Text, at most %(max)s characters") % {"max": self.max_length}
        return _("Text")


class DateWidget(ExcelWidget):
    """dd/mm/yyyy text, or a real Excel date cell."""

    def parse(self, value, text):
        if isinstance(value, date):  # a date cell (datetime is a date too)
            parsed = value.date() if isinstance(value, datetime) else value
            if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
                # A date cell of year 1 or 9999 is a slip (or a forged file), never a date
                # of the registers; typed dates get the same range below.
                raise ValueError(
                    _("The date %(value)s is not between the years %(first)s and %(last)s.")
                    % {"value": cell_text(value), "first": FIRST_YEAR, "last": LAST_YEAR}
                )
            return parsed
        match = DATE_RE.match(str(text))
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                parsed = date(year, month, day)
            except ValueError:
                parsed = None
            if parsed and FIRST_YEAR <= parsed.year <= LAST_YEAR:
                return parsed
        raise ValueError(
            _("“%(value)s” is not a date in the form dd/mm/yyyy.") % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""

    def describe(self) -> str:
        return _("Date dd/mm/yyyy, e.g. 05/02/2026 (a date cell is accepted too)")


class ChoiceWidget(ExcelWidget):
    """A choice by its Vietnamese label, its English label or its code."""

    def __init__(self, choices: type[models.TextChoices], *, required: bool = False, default=None):
        super().__init__(required=required)
        self.choices = choices
        self.default = default
        self._map: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._map is None:
            found: dict[str, set[str]] = defaultdict(set)
            for language in ("vi", "en"):
                with translation.override(language):
                    for member in self.choices:
                        found[key(member.label)].add(member.value)
            for member in self.choices:
                found[key(member.value)] = {member.value}
            # A label two choices share (a translation slip) only works through the codes.
            self._map = {
                name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1
            }
        return self._map

    def empty(self):
        return self.default

    def parse(self, value, text):
        code = self.lookup().get(key(text))
        if code is None:
            raise ValueError(
                _("“%(value)s” is not a valid value. Use one of: %(choices)s.")
                % {"value": text, "choices": "; ".join(str(label) for label in self.choices.labels)}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""

    def describe(self) -> str:
        text = _("One of: %(choices)s") % {
            "choices": "; ".join(str(label) for label in self.choices.labels)
        }
        if self.default:
            text += " " + _("(empty: %(default)s)") % {"default": self.choices(self.default).label}
        return text


class BooleanWidget(ExcelWidget):
    def __init__(self, *, default: bool = False) -> None:
        super().__init__()
        self.default = default

    def empty(self):
        return self.default

    def parse(self, value, text):
        if isinstance(value, bool):
            return value
        word = key(text)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(
            _("“%(value)s” is not “%(yes)s” or “%(no)s”.") % {"value": text, "yes": YES, "no": NO}
        )

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO

    def describe(self) -> str:
        return _("“%(yes)s” or “%(no)s” (empty: %(default)s)") % {
            "yes": YES,
            "no": NO,
            "default": YES if self.default else NO,
        }


class DecimalWidget(ExcelWidget):
    """A number ≥ 0 from a number cell, or text in Vietnamese (1.500,5) or English form."""

    complete = False  # digits and places are the model field's to check

    def parse(self, value, text):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(value)})
        try:
            if isinstance(value, int | float | Decimal):
                number = Decimal(str(value))
            else:
                number = Decimal(self._normalise(str(text)))
        except (InvalidOperation, ValueError):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if number < 0:
            raise ValueError(_("The value cannot be negative."))
        rounded = number.quantize(Decimal("0.01")) if number.as_tuple().exponent < -2 else number
        # Excel stores doubles: 12.3 may come back as 12.300000000000001.
        return rounded if abs(number - rounded) < Decimal("1e-9") else number

    @staticmethod
    def _normalise(text: str) -> str:
        text = text.replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:
            thousands, decimal = (".", ",") if text.rfind(",") > text.rfind(".") else (",", ".")
            return text.replace(thousands, "").replace(decimal, ".")
        if "," in text:
            return text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            return text.replace(".", "")  # Vietnamese thousands: 1.500 is fifteen hundred.
        return text

    def describe(self) -> str:
        return _("A number ≥ 0, e.g. 1500 or 12,5")


class CountryWidget(ExcelWidget):
    """A country by ISO code (alpha-2 or alpha-3) or by its Vietnamese or English name."""

    def __init__(self) -> None:
        super().__init__()
        self._map: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._map is None:
            found: dict[str, set[str]] = defaultdict(set)
            for language in ("vi", "en"):
                with translation.override(language):
                    for code, name in countries:
                        found[key(name)].add(code)
            self._map = {
                name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1
            }
        return self._map

    def empty(self):
        return ""

    def parse(self, value, text):
        code = self.lookup().get(key(text))
        if code is None and len(text) in (2, 3):
            code = countries.alpha2(text) or None
        if code is None:
            raise ValueError(
                _("Unknown country “%(value)s”: give its ISO code (e.g. LA) or its name.")
                % {"value": text}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        code = str(value)
        name = str(countries.name(code))
        # Two countries sharing a name (Iceland and Ireland are both "Ai-len") go out as codes.
        return name if self.lookup().get(key(name)) == code else code

    def describe(self) -> str:
        return _("ISO code (e.g. LA, KR, CN) or the country's name in Vietnamese")


class LookupWidget(ExcelWidget):
    """Rows of a table named by one of their names; ``many`` takes a ";"-separated list."""

    unknown_message = gettext_lazy("Unknown value “%(name)s”.")
    hint = gettext_lazy("A name")

    def __init__(self, *, required: bool = False, many: bool = False) -> None:
        super().__init__(required=required)
        self.many = many
        self._map: dict[str, list[Any]] | None = None

    # What subclasses provide.
    def entries(self) -> Iterable[tuple[Any, Iterable[str]]]:
        raise NotImplementedError

    def display(self, obj) -> str:
        return str(obj)

    def load(self) -> None:
        self._map = defaultdict(list)
        for obj, names in self.entries():
            self.add(obj, names)

    def add(self, obj, names: Iterable[str]) -> None:
        if self._map is None:
            self.load()
        for name in {key(name) for name in names if name}:
            self._map[name].append(obj)

    def resolve(self, name: str):
        if self._map is None:
            self.load()
        found = self._map.get(key(name), [])
        if not found:
            raise ValueError(str(self.unknown_message) % {"name": name})
        if len(found) > 1:
            raise ValueError(
                _("“%(name)s” matches %(count)s records; it cannot tell which one is meant.")
                % {"name": name, "count": len(found)}
            )
        return found[0]

    def empty(self):
        return [] if self.many else None

    def parse(self, value, text):
        if not self.many:
            return self.resolve(text)
        names = [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]
        found, problems = [], []
        for name in names:
            try:
                obj = self.resolve(name)
            except ValueError as error:
                problems.append(str(error))
            else:
                if obj not in found:
                    found.append(obj)
        if problems:
            raise ValueError(" ".join(problems))
        if not found and self.required:
            raise ValueError(str(self.required_message))
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if self.many:
            return "; ".join(self.display(item) for item in value.all())
        return self.display(value)

    def describe(self) -> str:
        if self.many:
            return _("%(hint)s; several separated by “;”") % {"hint": self.hint}
        return str(self.hint)


class AgencyWidget(LookupWidget):
    hint = gettext_lazy("The short name of an agency, e.g. SNgV")
    unknown_message = gettext_lazy("Unknown agency “%(name)s”: use its short name, e.g. SNgV.")

    def entries(self):
        for agency in Agency.objects.only("pk", "name", "short_name"):
            yield agency, (agency.short_name, agency.name)

    def display(self, obj) -> str:
        return obj.short_name


class PartnerWidget(LookupWidget):
    """Partners by Vietnamese name (or, failing that, their abbreviation, e.g. KOICA)."""

    hint = gettext_lazy("The Vietnamese name of a registered partner")
    unknown_message = gettext_lazy("Unknown partner “%(name)s”.")

    def load(self) -> None:
        self._map = defaultdict(list)
        by_abbreviation = defaultdict(list)
        for partner in Partner.objects.only(
            "pk", "name_vi", "name_native", "abbreviation", "country"
        ):
            self._map[key(partner.name_vi)].append(partner)
            if partner.abbreviation:
                by_abbreviation[key(partner.abbreviation)].append(partner)
        for abbreviation, partners in by_abbreviation.items():
            self._map.setdefault(abbreviation, partners)

    def display(self, obj) -> str:
        return obj.name_vi


class FieldOfCooperationWidget(LookupWidget):
    hint = gettext_lazy("A field of cooperation from the managed list")
    unknown_message = gettext_lazy("Unknown field of cooperation “%(name)s”.")

    def entries(self):
        for field in FieldOfCooperation.objects.all():
            yield field, (field.name, field.name_en)

    def display(self, obj) -> str:
        return obj.name


class AgreementWidget(LookupWidget):
    hint = gettext_lazy("The number of a registered agreement")
    unknown_message = gettext_lazy("No agreement has the number “%(name)s”.")

    def entries(self):
        for agreement in Agreement.objects.exclude(number="").only("pk", "number", "title_vi"):
            yield agreement, (agreement.number,)

    def display(self, obj) -> str:
        return obj.number


class ManyField(Field):
    """A many-to-many column: the cleaned objects wait on the instance until it is saved."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.__dict__.setdefault("_excel_m2m", {})[self.attribute] = self.clean(row, **kwargs)


def m2m_values(instance, name: str) -> list:
    return instance.__dict__.get("_excel_m2m", {}).get(name, [])


# ---------------------------------------------------------------------------
# The shared resource behaviour.
# ---------------------------------------------------------------------------
class ExcelResource(resources.ModelResource):
    """Create-only import with errors per row and column; export with the same columns.

    ``excel_rows`` maps the dataset's row numbers (1, 2, …) to the sheet's row numbers, so that
    messages point at the row the user sees in Excel.
    """

    sheet_title: ClassVar[str] = ""
    file_stem: ClassVar[str] = ""
    list_url: ClassVar[str] = ""

    def __init__(self, *, user=None, excel_rows: list[int] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.excel_rows = excel_rows or []
        self._import_fields: list[Field] | None = None
        self._blank: dict | None = None
        self.row_number = 0
        self.saved: list[models.Model] = []

    # -- columns ---------------------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[Field]:
        names = cls._meta.fields
        return [cls.fields[name] for name in names]

    @classmethod
    def headers(cls) -> list[str]:
        return [field.column_name for field in cls.columns()]

    @classmethod
    def required_headers(cls) -> list[str]:
        return [f.column_name for f in cls.columns() if getattr(f.widget, "required", False)]

    def column_of(self, attribute: str) -> str:
        for field in self.columns():
            if field.attribute == attribute:
                return field.column_name
        return ""

    def excel_row(self, number: int) -> int:
        if 0 < number <= len(self.excel_rows):
            return self.excel_rows[number - 1]
        return number + 1

    def iter_queryset(self, queryset):
        # One query per table for each 2,000 rows, prefetches included.
        yield from queryset.iterator(chunk_size=2000)

    def get_import_fields(self):
        if self._import_fields is None:
            self._import_fields = [self.fields[name] for name in self._meta.fields]
        return self._import_fields

    @classmethod
    def left_to_model(cls) -> set[str]:
        """The model fields whose own clean() still has something to check after the widget."""
        if "_left_to_model" not in cls.__dict__:
            names = set()
            for field in cls.columns():
                model_field = cls._meta.model._meta.get_field(field.attribute)
                extra = [v for v in model_field.validators if not isinstance(v, MaxLengthValidator)]
                filled = (
                    model_field.blank
                    or model_field.has_default()
                    or getattr(field.widget, "required", False)
                )
                if model_field.concrete and not (field.widget.complete and filled and not extra):
                    names.add(model_field.name)
            cls._left_to_model = names
        return cls._left_to_model

    # -- import hooks ----------------------------------------------------------------------
    def init_instance(self, row=None):
        """A new unsaved instance: a copy of a blank one, when the model allows it."""
        if self._blank is None:
            return super().init_instance(row)
        instance = self._meta.model.__new__(self._meta.model)
        instance.__dict__.update(self._blank)
        instance._state = ModelState()
        return instance

    def _blank_state(self) -> dict | None:
        """A blank instance's attributes, to copy instead of running Model.__init__ (a third
        of the time spent on each row). Only when nothing hooks into instance creation and
        every default is a constant."""
        model = self._meta.model
        if pre_init.has_listeners(model) or post_init.has_listeners(model):
            return None
        if any(f.has_default() and callable(f.default) for f in model._meta.concrete_fields):
            return None
        state = dict(model().__dict__)
        state.pop("_state")
        return state

    def before_import(self, dataset, **kwargs):
        self._blank = self._blank_state()
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.load()
        self._plan = [
            (f.column_name, f.widget, f.attribute, isinstance(f, ManyField))
            for f in self.get_import_fields()
        ]
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        self._clean_exclude = model_fields - self.left_to_model()

    def before_import_row(self, row, **kwargs):
        self.row_number = kwargs.get("row_number", 0)

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its widget (a tight loop: this runs for every cell of the file)."""
        errors = {}
        for column, widget, attribute, many in self._plan:
            if column not in row:
                continue
            try:
                value = widget.clean(row[column])
            except ValueError as error:
                errors[attribute] = ValidationError(str(error), code="invalid")
                continue
            if many:
                instance.__dict__.setdefault("_excel_m2m", {})[attribute] = value
            else:
                setattr(instance, attribute, value)
        if errors:
            raise ValidationError(errors)

    def check(self, instance, errors: dict[str, list[str]]) -> None:
        """Rules that involve several columns, other rows or the database."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = defaultdict(list)
        for name, error in (import_validation_errors or {}).items():
            errors[name] += [str(message) for message in ValidationError(error).messages]
        try:
            self.check(instance, errors)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[name] += messages
        # The model's own field rules that the widgets do not already apply (digits, extra
        # validators…). Foreign keys come resolved from the lookups: Django would fetch each
        # one again.
        try:
            instance.clean_fields(exclude=self._clean_exclude | set(errors))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[name] += messages
        if errors:
            raise ValidationError(dict(errors))

    def after_import(self, dataset, result, **kwargs):
        """No sequence reset: rows never carry their own ids."""


class BulkExcelResource(ExcelResource):
    """Rows are checked one by one, then written together by ``write`` if none failed."""

    def bulk_create(self, *args, **kwargs):
        """Writing waits for ``after_import``, once every row is known to be valid."""

    def after_import(self, dataset, result, **kwargs):
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            self.create_instances.clear()
            return
        self.saved = self.write(list(self.create_instances))
        self.create_instances.clear()

    def write(self, instances: list) -> list:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------
def _text(attribute: str, column: str, model=Agreement, required: bool = False) -> Field:
    max_length = model._meta.get_field(attribute).max_length
    return Field(attribute, column, TextWidget(required=required, max_length=max_length))


class AgreementResource(BulkExcelResource):
    sheet_title = "Thỏa thuận"
    file_stem = "thoa-thuan-quoc-te"
    list_url = "agreements:list"

    kind = Field("kind", "Loại thỏa thuận", ChoiceWidget(Agreement.Kind, required=True))
    number = _text("number", "Số hiệu")
    title_vi = _text("title_vi", "Tên tiếng Việt", required=True)
    title_en = _text("title_en", "Tên tiếng Anh")
    partners = ManyField("partners", "Đối tác", PartnerWidget(required=True, many=True))
    signing_level = Field(
        "signing_level", "Cấp ký kết", ChoiceWidget(Agreement.SigningLevel, required=True)
    )
    state = Field(
        "state", "Trạng thái", ChoiceWidget(Agreement.State, default=Agreement.State.PROPOSED)
    )
    signed_on = Field("signed_on", "Ngày ký", DateWidget())
    signed_place = _text("signed_place", "Nơi ký")
    languages = _text("languages", "Ngôn ngữ ký")
    signer_vn_name = _text("signer_vn_name", "Người ký phía Việt Nam")
    signer_vn_title = _text("signer_vn_title", "Chức vụ người ký phía Việt Nam")
    signer_partner_name = _text("signer_partner_name", "Người ký phía đối tác")
    signer_partner_title = _text("signer_partner_title", "Chức vụ người ký phía đối tác")
    effective_on = Field("effective_on", "Ngày có hiệu lực", DateWidget())
    end_on = Field("end_on", "Ngày hết hiệu lực", DateWidget())
    term_text = _text("term_text", "Thời hạn")
    auto_renewal = Field("auto_renewal", "Tự động gia hạn", BooleanWidget(default=False))
    cooperation_fields = ManyField(
        "fields", "Lĩnh vực hợp tác", FieldOfCooperationWidget(many=True)
    )
    lead_agency = Field("lead_agency", "Cơ quan chủ trì", AgencyWidget(required=True))
    coordinating_agencies = ManyField(
        "coordinating_agencies", "Cơ quan phối hợp", AgencyWidget(many=True)
    )
    objectives = Field("objectives", "Mục tiêu", TextWidget(required=True))
    evaluation_mechanism = Field("evaluation_mechanism", "Cơ chế đánh giá", TextWidget())
    is_public = Field("is_public", "Công khai", BooleanWidget(default=True))
    notes = Field("notes", "Ghi chú", TextWidget())

    class Meta:
        model = Agreement
        fields = (
            "kind",
            "number",
            "title_vi",
            "title_en",
            "partners",
            "signing_level",
            "state",
            "signed_on",
            "signed_place",
            "languages",
            "signer_vn_name",
            "signer_vn_title",
            "signer_partner_name",
            "signer_partner_title",
            "effective_on",
            "end_on",
            "term_text",
            "auto_renewal",
            "cooperation_fields",
            "lead_agency",
            "coordinating_agencies",
            "objectives",
            "evaluation_mechanism",
            "is_public",
            "notes",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_bulk = True
        batch_size = None
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        from .forms import AgreementFilterForm

        queryset = Agreement.objects.visible_to(user)
        queryset = AgreementFilterForm(params or None).filter(queryset)
        return (
            queryset.select_related("lead_agency")
            .prefetch_related("partners", "fields", "coordinating_agencies")
            .order_by("-signed_on", "-id")
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.numbers_in_db = set(
            Agreement.objects.exclude(number="").values_list("number", flat=True)
        )
        self.numbers_in_file: dict[str, int] = {}
        self.today = timezone.localdate()

    def check(self, instance: Agreement, errors: dict[str, list[str]]) -> None:
        row = self.excel_row(self.row_number)
        if instance.number:
            if instance.number in self.numbers_in_db:
                errors["number"].append(
                    _("An agreement numbered “%(number)s” already exists.")
                    % {"number": instance.number}
                )
            elif instance.number in self.numbers_in_file:
                errors["number"].append(
                    _("The number “%(number)s” is already used on row %(row)s of this file.")
                    % {"number": instance.number, "row": self.numbers_in_file[instance.number]}
                )
            else:
                self.numbers_in_file[instance.number] = row
        if "signed_on" not in errors and instance.signed_on and instance.signed_on > self.today:
            errors["signed_on"].append(_("The signing date cannot be in the future."))
        if instance.end_on and not {"end_on", "effective_on", "signed_on"} & set(errors):
            if instance.effective_on and instance.end_on < instance.effective_on:
                errors["end_on"].append(_("The end date is before the entry-into-force date."))
            elif instance.signed_on and instance.end_on < instance.signed_on:
                errors["end_on"].append(_("The end date is before the signing date."))

    def write(self, instances: list[Agreement]) -> list[Agreement]:
        return agreements_bulk_create(user=self.user, agreements=instances)


# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------
class OutputResource(BulkExcelResource):
    sheet_title = "Sản phẩm đầu ra"
    file_stem = "san-pham-dau-ra"
    list_url = "agreements:list"

    agreement = Field("agreement", "Số hiệu thỏa thuận", AgreementWidget(required=True))
    description = _text("description", "Sản phẩm đầu ra", Output, required=True)
    indicator = _text("indicator", "Chỉ số", Output)
    unit = _text("unit", "Đơn vị tính", Output)
    target_value = Field("target_value", "Giá trị mục tiêu", DecimalWidget())
    due_on = Field("due_on", "Hạn hoàn thành", DateWidget())
    responsible_agency = Field(
        "responsible_agency", "Cơ quan chịu trách nhiệm", AgencyWidget(required=True)
    )
    current_value = Field("current_value", "Giá trị hiện tại", DecimalWidget())
    status = Field(
        "status", "Tình trạng", ChoiceWidget(Output.Status, default=Output.Status.NOT_STARTED)
    )
    progress_note = Field("progress_note", "Ghi chú tiến độ", TextWidget())

    class Meta:
        model = Output
        fields = (
            "agreement",
            "description",
            "indicator",
            "unit",
            "target_value",
            "due_on",
            "responsible_agency",
            "current_value",
            "status",
            "progress_note",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_bulk = True
        batch_size = None
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        visible = Agreement.objects.visible_to(user)
        return (
            Output.objects.filter(agreement__in=visible)
            .select_related("agreement", "responsible_agency")
            .order_by("agreement__number", "agreement_id", "due_on", "id")
        )

    def write(self, instances: list[Output]) -> list[Output]:
        return outputs_bulk_create(user=self.user, outputs=instances)


# ---------------------------------------------------------------------------
# Bulk writers: the rules of services.agreement_create / output_create, checked row by row
# by the resources above before these run, applied to many rows in a handful of queries.
# The many-to-many rows, the notices and the history rows are written with plain SQL built
# from the models' metadata: creating tens of thousands of model instances only to insert
# them would cost more than the whole rest of the import.
# ---------------------------------------------------------------------------
def _history_enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _chunks(items: list, size: int = BATCH_SIZE, params: int = 1) -> Iterator[list]:
    """Slices of ``items`` that keep a statement within the backend's parameter limit."""
    limit = (connection.features.max_query_params or 100_000) - 8
    size = max(1, min(size, limit // params))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list:
    """Insert rows of database values in a few statements; with ``returning``, the new ids in
    the rows' order (as bulk_create gets them).

    PostgreSQL gets one array per column through unnest(): psycopg adapts a 250,000-value
    VALUES list value by value, which costs more than the rest of the import. Each array goes
    as the text of an array literal (see ``_array_literal``).
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids: list = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            by_column = {field.column: field for field in model._meta.concrete_fields}
            arrays = ", ".join(
                f"%s::{by_column[column].cast_db_type(connection)}[]" for column in columns
            )
            aliases = ", ".join(f"v{index}" for index in range(len(columns)))
            sql = (
                f"INSERT INTO {table} ({names}) SELECT {aliases} "
                f"FROM unnest({arrays}) WITH ORDINALITY AS u({aliases}, n) ORDER BY n{tail}"
            )
            for chunk in _chunks(rows, 5000):
                cursor.execute(
                    sql,
                    [_array_literal(list(values)) for values in zip(*chunk, strict=True)],
                )
                if returning:
                    ids += [pk for (pk,) in cursor.fetchall()]
        elif returning:
            marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for chunk in _chunks(rows, 500, params=len(columns)):
                values = ", ".join([marks] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {values}{tail}",
                    [value for row in chunk for value in row],
                )
                ids += [pk for (pk,) in cursor.fetchall()]
        else:
            marks = ", ".join(["%s"] * len(columns))
            for chunk in _chunks(rows):
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
    return ids


# The types whose text PostgreSQL reads back as the same value (str() of a date is ISO 8601,
# of an aware datetime ISO 8601 with its offset).
LITERAL_TYPES = (str, int, Decimal, date, datetime)


def _array_literal(values: list) -> str | list:
    """A PostgreSQL array literal ('{"a","b",NULL}') of a column's values, or the values as
    they are when one has a type not known here (psycopg adapts them then).

    psycopg adapts a list in Python, element by element: for the text columns of 10,000 rows
    that cost more CPU than anything else on the import's PostgreSQL path; one string is
    passed to PostgreSQL as it is.
    """
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        elif value is True or value is False:
            parts.append("t" if value else "f")
        elif isinstance(value, LITERAL_TYPES):
            text = value if type(value) is str else str(value)
            # In a double-quoted element only the double quote and the backslash are special.
            parts.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            return values
    return "{" + ",".join(parts) + "}"


def _insert_objects(model, objects: list) -> None:
    """bulk_create for plain fields at a fraction of its cost: values adapted once per
    column kind, ids read back with RETURNING."""
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = []
    for field in fields:
        kind = field.get_internal_type()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
            stamp = connection.ops.adapt_datetimefield_value(now)
            plan.append((field.attname, lambda value, stamp=stamp: stamp))
        elif kind in {"CharField", "TextField", "BooleanField", "ForeignKey"}:
            plan.append((field.attname, None))
        elif kind == "DateField":
            plan.append((field.attname, connection.ops.adapt_datefield_value))
        else:
            adapt = partial(_prepare, field)
            plan.append((field.attname, adapt))
    rows = [
        tuple(
            getattr(obj, attname) if adapt is None else adapt(getattr(obj, attname))
            for attname, adapt in plan
        )
        for obj in objects
    ]
    ids = _insert(model, [field.column for field in fields], rows, returning=True)
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _prepare(field, value):
    return field.get_db_prep_save(value, connection)


def _copy_to_history(model, where: str, ids: list[int], *, user, when) -> dict[int, int] | None:
    """One '+' history row per row of ``model`` whose ``where`` column is in ``ids``: the rows
    bulk_history_create would write, copied inside the database.

    Returns {row id: its new history id} where the database reports them (None otherwise).
    """
    history_model = model.history.model
    quote = connection.ops.quote_name
    tracked = [
        (history_model._meta.get_field(f.name).column, f.column)
        for f in history_model.tracked_fields
    ]
    history_columns = [target for target, _source in tracked] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    expected = {f.column for f in history_model._meta.concrete_fields} - {"history_id"}
    if set(history_columns) != expected:  # a customised history model: the generic way
        objects = list(model.objects.filter(**{f"{where}__in": ids}))
        model.history.bulk_history_create(
            objects, default_user=user, default_change_reason=CHANGE_REASON, default_date=when
        )
        return None
    returning = connection.features.can_return_rows_from_bulk_insert
    id_column = history_model._meta.get_field(model._meta.pk.name).column
    tail = f" RETURNING {quote(id_column)}, {quote('history_id')}" if returning else ""
    target = ", ".join(quote(column) for column in history_columns)
    source = ", ".join(quote(column) for _target, column in tracked)
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({target}) "
        f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(where)} IN "
    )
    stamp = connection.ops.adapt_datetimefield_value(when)
    written: dict[int, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            cursor.execute(
                sql + "(" + ", ".join(["%s"] * len(chunk)) + ")" + tail,
                [stamp, CHANGE_REASON, "+", user.pk if user else None, *chunk],
            )
            if returning:
                written.update(cursor.fetchall())
    return written if returning else None


def _m2m_history(name: str, rows: list[tuple], through_ids: list, history_ids: dict) -> None:
    """The many-to-many snapshot of each new history row, as simple_history keeps it, from
    the (agreement id, other id) ``rows`` just written, their ids and the new history ids."""
    field = Agreement._meta.get_field(name)
    m2m_history = apps.get_model("agreements", f"HistoricalAgreement_{name}")
    _insert(
        m2m_history,
        [
            field.remote_field.through._meta.pk.column,
            field.m2m_column_name(),
            field.m2m_reverse_name(),
            "history_id",
        ],
        [
            (through_id, agreement_id, other_id, history_ids[agreement_id])
            for (agreement_id, other_id), through_id in zip(rows, through_ids, strict=True)
        ],
    )


def _copy_m2m_to_history(name: str, ids: list[int], after_history_id: int) -> None:
    """The many-to-many snapshot of each new history row, as simple_history keeps it, copied
    inside the database (when it cannot report the ids of the rows just written)."""
    field = Agreement._meta.get_field(name)
    through = field.remote_field.through
    m2m_history = apps.get_model("agreements", f"HistoricalAgreement_{name}")
    history_table = Agreement.history.model._meta.db_table
    quote = connection.ops.quote_name
    columns = [f.column for f in through._meta.concrete_fields]
    sql = (
        f"INSERT INTO {quote(m2m_history._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}, {quote('history_id')}) "
        f"SELECT {', '.join('t.' + quote(c) for c in columns)}, h.{quote('history_id')} "
        f"FROM {quote(through._meta.db_table)} t JOIN {quote(history_table)} h "
        f"ON h.{quote('id')} = t.{quote(field.m2m_column_name())} "
        f"AND h.{quote('history_id')} > %s "
        f"WHERE t.{quote(field.m2m_column_name())} IN "
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            cursor.execute(
                sql + "(" + ", ".join(["%s"] * len(chunk)) + ")", [after_history_id, *chunk]
            )


def agreements_bulk_create(*, user, agreements: list[Agreement]) -> list[Agreement]:
    """Register many checked agreements: search text, partners, fields and coordinating
    agencies, the signing-report notice of signed ones, and history with ``user``.

    Call inside a transaction (the import runs in one).
    """
    if not agreements:
        return []
    m2m_names = ("partners", "fields", "coordinating_agencies")
    for agreement in agreements:
        names: list[str] = []
        for partner in m2m_values(agreement, "partners"):
            names += [partner.name_vi, partner.name_native, partner.abbreviation]
        agreement.search_text = agreement.build_search_text(names)
    _insert_objects(Agreement, agreements)
    ids = [agreement.pk for agreement in agreements]

    # The ids of the many-to-many rows go into their history snapshots.
    returning = _history_enabled() and connection.features.can_return_rows_from_bulk_insert
    m2m_rows: dict[str, tuple[list[tuple], list]] = {}
    for name in m2m_names:
        field = Agreement._meta.get_field(name)
        rows = [
            (agreement.pk, obj.pk)
            for agreement in agreements
            for obj in m2m_values(agreement, name)
        ]
        through_ids = _insert(
            field.remote_field.through,
            [field.m2m_column_name(), field.m2m_reverse_name()],
            rows,
            returning=returning,
        )
        m2m_rows[name] = (rows, through_ids)

    # As agreement_create: a recently signed agreement still owes its 15-day signing report;
    # for older ones (back-filling the registry) the clock is long past and not tracked.
    since = timezone.localdate() - timedelta(days=BACKFILL_NOTICE_DAYS)
    signed = [
        agreement
        for agreement in agreements
        if agreement.state in {Agreement.State.SIGNED, Agreement.State.IN_FORCE}
        and agreement.signed_on
        and agreement.signed_on >= since
    ]
    _insert(
        LegalNotice,
        ["agreement_id", "event_id", "kind", "due_on", "done_on", "reference"],
        [
            (
                agreement.pk,
                None,
                LegalNotice.Kind.SIGNING_REPORT.value,
                connection.ops.adapt_datefield_value(
                    agreement.signed_on + timedelta(days=NOTICE_DAYS)
                ),
                None,
                "",
            )
            for agreement in signed
        ],
    )

    if _history_enabled():
        when = timezone.now()
        last = Agreement.history.aggregate(last=Max("history_id"))["last"] or 0
        history_ids = _copy_to_history(Agreement, "id", ids, user=user, when=when)
        for name in m2m_names:
            if returning and history_ids is not None:
                # Written from the ids at hand: a join per batch over the new history rows
                # cost PostgreSQL more than the rows themselves.
                _m2m_history(name, *m2m_rows[name], history_ids)
            else:
                _copy_m2m_to_history(name, ids, last)
        _copy_to_history(LegalNotice, "agreement_id", [a.pk for a in signed], user=user, when=when)
    # Raw inserts send no signal: the list pages' counts are told here.
    list_counts_forget()
    return agreements


def outputs_bulk_create(*, user, outputs: list[Output]) -> list[Output]:
    """Register many checked outputs, with history recording ``user``."""
    if not outputs:
        return []
    _insert_objects(Output, outputs)
    if _history_enabled():
        _copy_to_history(
            Output, "id", [output.pk for output in outputs], user=user, when=timezone.now()
        )
    return outputs


def error_columns(resource: ExcelResource, error_dict: dict[str, list[str]]):
    """(column header, message) pairs for a row's errors; row-wide ones have no column."""
    for name, messages in error_dict.items():
        column = "" if name == NON_FIELD_ERRORS else resource.column_of(name)
        for message in messages:
            yield column, str(message)
