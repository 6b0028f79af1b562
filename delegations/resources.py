"""Excel import and export of plan items, delegations (with their members) and conferences.

Built on the agreements' Excel machinery (``agreements.resources``): Vietnamese constant
headers, lenient reading (labels or codes, NFC or NFD, date cells or dd/mm/yyyy), errors per
row and column. Volumes are small (tens to hundreds of rows), so every row is written through
``delegations.services`` like ``PartnerResource`` does; an import only creates records, and
imported delegations and conferences are always proposals (decisions and results are recorded
in the portal).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field

from agreements.resources import (
    LIST_SEPARATORS,
    AgencyWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    DecimalWidget,
    ExcelResource,
    ExcelWidget,
    FieldOfCooperationWidget,
    ManyField,
    PartnerWidget,
    TextWidget,
    m2m_values,
)

from . import services
from .conference_forms import ConferenceFilterForm
from .forms import DelegationFilterForm
from .models import (
    Conference,
    Delegation,
    DelegationMember,
    DelegationPlan,
    Direction,
    FundingSource,
    PlanItem,
    Purpose,
)

# “Name - Title”: a dash between spaces (a hyphen inside a name does not split).
MEMBER_SEPARATOR = re.compile(r"(?:^|\s+)[-–—](?:\s+|$)")


# ---------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------
class IntegerWidget(ExcelWidget):
    """A whole number within [minimum, maximum], from a number cell or text."""

    def __init__(
        self,
        *,
        required: bool = False,
        minimum: int = 0,
        maximum: int = 32767,
        default: int | None = None,
    ) -> None:
        super().__init__(required=required)
        self.minimum, self.maximum, self.default = minimum, maximum, default

    def empty(self):
        return self.default

    def parse(self, value, text):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        digits = str(text).replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            digits = digits.replace(".", "")  # Vietnamese thousands: 1.500
        try:
            number = value if isinstance(value, int) else int(digits)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                _("The value must be between %(min)s and %(max)s.")
                % {"min": self.minimum, "max": self.maximum}
            )
        return number

    def describe(self) -> str:
        return _("A whole number from %(min)s to %(max)s") % {
            "min": self.minimum,
            "max": self.maximum,
        }


class RequiredCountryWidget(CountryWidget):
    def __init__(self) -> None:
        super().__init__()
        self.required = True


class MembersWidget(ExcelWidget):
    """Members as “Full name - Title; Full name - Title” (title optional)."""

    def empty(self):
        return []

    def parse(self, value, text):
        limit = DelegationMember._meta.get_field("name").max_length
        members, problems = [], []
        for part in LIST_SEPARATORS.split(text):
            part = part.strip()
            if not part:
                continue
            name, title = _split_member(part)
            if not name:
                problems.append(_("“%(value)s” has no full name.") % {"value": part})
            elif len(name) > limit or len(title) > limit:
                problems.append(
                    _("“%(value)s”: a name or title is longer than %(max)s characters.")
                    % {"value": part[:40], "max": limit}
                )
            else:
                members.append({"name": name, "title": title})
        if problems:
            raise ValueError(" ".join(problems))
        return members

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(
            f"{member.name} - {member.title}" if member.title else member.name
            for member in value.all()
        )

    def describe(self) -> str:
        return _(
            "The members other than the head: “Full name - Title”, several separated by “;”, "
            "e.g. Nguyễn Văn A - Giám đốc Sở; Trần Thị B - Chuyên viên"
        )


def _split_member(part: str) -> tuple[str, str]:
    """“Full name - Title” (or just the name) as (name, title)."""
    pieces = MEMBER_SEPARATOR.split(part, maxsplit=1)
    return pieces[0].strip(), (pieces[1].strip() if len(pieces) > 1 else "")


def _text(model, attribute: str, column: str, required: bool = False) -> Field:
    max_length = model._meta.get_field(attribute).max_length
    return Field(attribute, column, TextWidget(required=required, max_length=max_length))


class ServiceResource(ExcelResource):
    """Rows written one by one through a service; some columns may be relations across
    models (``plan__year``) or reverse sets (``members``)."""

    @classmethod
    def left_to_model(cls) -> set[str]:
        if "_left_to_model" not in cls.__dict__:
            model = cls._meta.model
            names = set()
            for field in cls.columns():
                try:
                    model_field = model._meta.get_field(field.attribute)
                except FieldDoesNotExist:  # a column that is not one of the model's own fields
                    continue
                if not model_field.concrete:
                    continue
                extra = [v for v in model_field.validators if not isinstance(v, MaxLengthValidator)]
                filled = (
                    model_field.blank
                    or model_field.has_default()
                    or getattr(field.widget, "required", False)
                )
                if not (field.widget.complete and filled and not extra):
                    names.add(model_field.name)
            cls._left_to_model = names
        return cls._left_to_model

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.today = timezone.localdate()

    def data(self, instance, names) -> dict[str, Any]:
        return {name: getattr(instance, name) for name in names}

    def proposed_only(self, instance, errors, proposed: str) -> None:
        if "state" not in errors and instance.state != proposed:
            errors["state"].append(
                _(
                    "An import only creates proposals: leave this column empty or write "
                    "“%(state)s”, then record the decision in the portal."
                )
                % {"state": instance.State(proposed).label}
            )

    @staticmethod
    def dates_in_order(instance, errors, start: str, end: str, message: str) -> None:
        first, last = getattr(instance, start), getattr(instance, end)
        if first and last and not {start, end} & set(errors) and last < first:
            errors[end].append(message)


# ---------------------------------------------------------------------------
# Plan items
# ---------------------------------------------------------------------------
PLAN_ITEM_DATA = (
    "purpose",
    "description",
    "country",
    "expected_month",
    "expected_timing",
    "expected_size",
    "lead_agency",
    "funding_source",
)


class PlanItemResource(ServiceResource):
    sheet_title = "Kế hoạch đoàn"
    file_stem = "ke-hoach-doan-ra-doan-vao"
    list_url = "delegations:plan_list"

    plan_year = Field(
        "plan__year", "Năm kế hoạch", IntegerWidget(required=True, minimum=2000, maximum=2100)
    )
    plan_direction = Field("plan__direction", "Loại đoàn", ChoiceWidget(Direction, required=True))
    purpose = Field("purpose", "Mục đích", ChoiceWidget(Purpose, required=True))
    description = _text(PlanItem, "description", "Nội dung", required=True)
    country = Field("country", "Quốc gia", CountryWidget())
    partners = ManyField("partners", "Đối tác", PartnerWidget(many=True))
    cooperation_fields = ManyField(
        "fields", "Lĩnh vực hợp tác", FieldOfCooperationWidget(many=True)
    )
    expected_month = Field("expected_month", "Tháng dự kiến", IntegerWidget(minimum=1, maximum=12))
    expected_timing = _text(PlanItem, "expected_timing", "Thời gian dự kiến")
    expected_size = Field("expected_size", "Số thành viên dự kiến", IntegerWidget(maximum=1000))
    lead_agency = Field("lead_agency", "Cơ quan chủ trì", AgencyWidget(required=True))
    funding_source = Field(
        "funding_source",
        "Nguồn kinh phí",
        ChoiceWidget(FundingSource, default=FundingSource.STATE_BUDGET),
    )

    class Meta:
        model = PlanItem
        fields = (
            "plan_year",
            "plan_direction",
            "purpose",
            "description",
            "country",
            "partners",
            "cooperation_fields",
            "expected_month",
            "expected_timing",
            "expected_size",
            "lead_agency",
            "funding_source",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        queryset = PlanItem.objects.select_related("plan", "lead_agency").prefetch_related(
            "partners", "fields"
        )
        year = (params.get("year") or "").strip() if params else ""
        if year.isdigit():
            queryset = queryset.filter(plan__year=int(year))
        direction = params.get("direction") if params else None
        if direction in Direction.values:
            queryset = queryset.filter(plan__direction=direction)
        return queryset.order_by("-plan__year", "plan__direction", "expected_month", "id")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.plans = {(p.year, p.direction): p for p in DelegationPlan.objects.all()}

    def check(self, instance: PlanItem, errors) -> None:
        year = instance.__dict__.get("plan__year")
        direction = instance.__dict__.get("plan__direction")
        if "plan__year" in errors or "plan__direction" in errors:
            return
        plan = self.plans.get((year, direction))
        if plan is None:
            errors["plan__year"].append(
                _(
                    "There is no %(direction)s plan for %(year)s: create the plan in the "
                    "portal first."
                )
                % {"direction": str(Direction(direction).label).lower(), "year": year}
            )
        else:
            instance.plan = plan

    def do_instance_save(self, instance: PlanItem, is_create: bool) -> None:
        item = services.plan_item_save(
            user=self.user,
            plan=instance.plan,
            data=self.data(instance, PLAN_ITEM_DATA),
            partners=m2m_values(instance, "partners"),
            fields=m2m_values(instance, "fields"),
        )
        instance.pk = item.pk
        self.saved.append(item)


# ---------------------------------------------------------------------------
# Delegations
# ---------------------------------------------------------------------------
DELEGATION_DATA = (
    "direction",
    "title",
    "purpose",
    "head_name",
    "head_title",
    "country",
    "places",
    "programme",
    "planned_start",
    "planned_end",
    "funding_source",
    "budget",
    "host_agency",
)


class DelegationResource(ServiceResource):
    sheet_title = "Đoàn ra, đoàn vào"
    file_stem = "doan-ra-doan-vao"
    list_url = "delegations:list"

    direction = Field("direction", "Loại đoàn", ChoiceWidget(Direction, required=True))
    title = _text(Delegation, "title", "Tên đoàn", required=True)
    purpose = Field("purpose", "Mục đích", ChoiceWidget(Purpose, required=True))
    head_name = _text(Delegation, "head_name", "Trưởng đoàn", required=True)
    head_title = _text(Delegation, "head_title", "Chức vụ trưởng đoàn")
    members = ManyField("members", "Thành viên", MembersWidget())
    country = Field("country", "Quốc gia", RequiredCountryWidget())
    partners = ManyField("partners", "Đối tác", PartnerWidget(many=True))
    places = _text(Delegation, "places", "Địa điểm")
    programme = Field("programme", "Chương trình", TextWidget())
    cooperation_fields = ManyField(
        "fields", "Lĩnh vực hợp tác", FieldOfCooperationWidget(many=True)
    )
    planned_start = Field("planned_start", "Ngày bắt đầu dự kiến", DateWidget(required=True))
    planned_end = Field("planned_end", "Ngày kết thúc dự kiến", DateWidget(required=True))
    host_agency = Field("host_agency", "Cơ quan chủ trì, đón tiếp", AgencyWidget(required=True))
    funding_source = Field(
        "funding_source",
        "Nguồn kinh phí",
        ChoiceWidget(FundingSource, default=FundingSource.STATE_BUDGET),
    )
    budget = Field("budget", "Kinh phí (đồng)", DecimalWidget())
    state = Field(
        "state",
        "Trạng thái",
        ChoiceWidget(Delegation.State, default=Delegation.State.PROPOSED),
    )

    class Meta:
        model = Delegation
        fields = (
            "direction",
            "title",
            "purpose",
            "head_name",
            "head_title",
            "members",
            "country",
            "partners",
            "places",
            "programme",
            "cooperation_fields",
            "planned_start",
            "planned_end",
            "host_agency",
            "funding_source",
            "budget",
            "state",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        queryset = Delegation.objects.visible_to(user)
        queryset = DelegationFilterForm(params or None).filter(queryset, timezone.localdate())
        return (
            queryset.select_related("host_agency")
            .prefetch_related("partners", "fields", "members")
            .order_by("-planned_start", "-id")
        )

    def check(self, instance: Delegation, errors) -> None:
        self.proposed_only(instance, errors, Delegation.State.PROPOSED)
        self.dates_in_order(
            instance,
            errors,
            "planned_start",
            "planned_end",
            _("The planned end is before the planned start."),
        )

    def do_instance_save(self, instance: Delegation, is_create: bool) -> None:
        delegation = services.delegation_propose(
            user=self.user,
            data=self.data(instance, DELEGATION_DATA),
            partners=m2m_values(instance, "partners"),
            fields=m2m_values(instance, "fields"),
            members=m2m_values(instance, "members"),
        )
        instance.pk = delegation.pk
        self.saved.append(delegation)


# ---------------------------------------------------------------------------
# Conferences
# ---------------------------------------------------------------------------
CONFERENCE_DATA = (
    "title",
    "purpose",
    "organiser",
    "start_on",
    "end_on",
    "place",
    "format",
    "foreign_participants",
    "participants_note",
    "approval_authority",
    "application_date",
    "decision_number",
    "decision_date",
)


class ConferenceResource(ServiceResource):
    sheet_title = "Hội nghị, hội thảo quốc tế"
    file_stem = "hoi-nghi-hoi-thao-quoc-te"
    list_url = "delegations:conference_list"

    title = _text(Conference, "title", "Tên hội nghị, hội thảo", required=True)
    purpose = Field("purpose", "Mục đích", ChoiceWidget(Purpose, required=True))
    organiser = Field("organiser", "Cơ quan tổ chức", AgencyWidget(required=True))
    start_on = Field("start_on", "Ngày khai mạc", DateWidget(required=True))
    end_on = Field("end_on", "Ngày bế mạc", DateWidget(required=True))
    place = _text(Conference, "place", "Địa điểm", required=True)
    format = Field(
        "format",
        "Hình thức",
        ChoiceWidget(Conference.Format, default=Conference.Format.IN_PERSON),
    )
    partners = ManyField("partners", "Đối tác", PartnerWidget(many=True))
    foreign_participants = Field(
        "foreign_participants",
        "Số đại biểu nước ngoài",
        IntegerWidget(default=0, maximum=100_000),
    )
    participants_note = Field("participants_note", "Thành phần tham dự", TextWidget())
    approval_authority = Field(
        "approval_authority",
        "Thẩm quyền cho phép",
        ChoiceWidget(Conference.Authority, default=Conference.Authority.PROVINCE),
    )
    application_date = Field("application_date", "Ngày nộp hồ sơ", DateWidget())
    decision_number = _text(Conference, "decision_number", "Số quyết định")
    decision_date = Field("decision_date", "Ngày quyết định", DateWidget())
    state = Field(
        "state",
        "Trạng thái",
        ChoiceWidget(Conference.State, default=Conference.State.PROPOSED),
    )

    class Meta:
        model = Conference
        fields = (
            "title",
            "purpose",
            "organiser",
            "start_on",
            "end_on",
            "place",
            "format",
            "partners",
            "foreign_participants",
            "participants_note",
            "approval_authority",
            "application_date",
            "decision_number",
            "decision_date",
            "state",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        queryset = ConferenceFilterForm(params or None).filter(Conference.objects.all())
        return (
            queryset.select_related("organiser")
            .prefetch_related("partners")
            .order_by("-start_on", "-id")
        )

    def check(self, instance: Conference, errors) -> None:
        self.proposed_only(instance, errors, Conference.State.PROPOSED)
        self.dates_in_order(
            instance, errors, "start_on", "end_on", _("The closing is before the opening.")
        )
        if (
            "decision_date" not in errors
            and instance.decision_date
            and instance.decision_date > self.today
        ):
            errors["decision_date"].append(_("The decision date cannot be in the future."))

    def do_instance_save(self, instance: Conference, is_create: bool) -> None:
        conference = services.conference_save(
            user=self.user,
            data=self.data(instance, CONFERENCE_DATA),
            partners=m2m_values(instance, "partners"),
        )
        instance.pk = conference.pk
        self.saved.append(conference)


RESOURCES: dict[str, type[ExcelResource]] = {
    "plans": PlanItemResource,
    "delegations": DelegationResource,
    "conferences": ConferenceResource,
}
