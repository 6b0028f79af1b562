"""Excel import and export of the partner register (django-import-export 4).

Partners are few (tens to a few hundred a province), so every row goes through
``services.partner_create``; a row may name as its parent a partner created on an earlier row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext as _
from import_export.fields import Field

from accounts.text import nfc, search_query
from agreements.resources import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    ExcelResource,
    PartnerWidget,
    TextWidget,
    key,
)

from . import services
from .models import Partner

DATA_FIELDS = (
    "name_vi",
    "name_native",
    "abbreviation",
    "kind",
    "country",
    "parent",
    "relation_status",
    "relation_established_on",
    "is_twinned",
    "contacts",
    "notes",
)


def _text(attribute: str, column: str, required: bool = False) -> Field:
    max_length = Partner._meta.get_field(attribute).max_length
    return Field(attribute, column, TextWidget(required=required, max_length=max_length))


class PartnerResource(ExcelResource):
    sheet_title = "Đối tác"
    file_stem = "doi-tac-nuoc-ngoai"
    list_url = "partners:list"

    name_vi = _text("name_vi", "Tên tiếng Việt", required=True)
    name_native = _text("name_native", "Tên gốc hoặc tiếng Anh")
    abbreviation = _text("abbreviation", "Tên viết tắt")
    kind = Field("kind", "Loại đối tác", ChoiceWidget(Partner.Kind, required=True))
    country = Field("country", "Quốc gia", CountryWidget())
    parent = Field("parent", "Trực thuộc", PartnerWidget())
    relation_status = Field(
        "relation_status",
        "Tình trạng quan hệ",
        ChoiceWidget(Partner.RelationStatus, default=Partner.RelationStatus.PROSPECTIVE),
    )
    relation_established_on = Field(
        "relation_established_on", "Ngày thiết lập quan hệ", DateWidget()
    )
    is_twinned = Field("is_twinned", "Kết nghĩa", BooleanWidget(default=False))
    contacts = Field("contacts", "Thông tin liên hệ", TextWidget())
    notes = Field("notes", "Ghi chú", TextWidget())

    class Meta:
        model = Partner
        fields = DATA_FIELDS
        import_order = export_order = DATA_FIELDS
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        queryset = Partner.objects.with_related()
        query = search_query(params.get("q")) if params else ""
        if query:
            queryset = queryset.search(query)
        return queryset.order_by("country", "name_vi")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.in_file: dict[tuple[str, str], int] = {}
        self.in_db = defaultdict(set)
        for name, country in Partner.objects.values_list("name_vi", "country"):
            self.in_db[key(name)].add(country)

    def check(self, instance: Partner, errors: dict[str, list[str]]) -> None:
        if "name_vi" in errors or "country" in errors:
            return
        name = key(instance.name_vi)
        if instance.country in self.in_db.get(name, ()):
            errors["name_vi"].append(_("A partner with this name already exists in this country."))
            return
        first = self.in_file.setdefault((name, instance.country), self.excel_row(self.row_number))
        if first != self.excel_row(self.row_number):
            errors["name_vi"].append(
                _("The same partner (name and country) is already on row %(row)s of this file.")
                % {"row": first}
            )

    def do_instance_save(self, instance: Partner, is_create: bool) -> None:
        data = {name: getattr(instance, name) for name in DATA_FIELDS}
        partner = services.partner_create(user=self.user, data=data)
        instance.pk = partner.pk
        self.saved.append(partner)
        # Later rows may name this partner as their parent.
        self.fields["parent"].widget.add(partner, [nfc(partner.name_vi)])
