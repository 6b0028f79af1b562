"""Excel files of the 2030 targets: measurements (export and import), targets and tasks (export).

Built on the agreements' Excel machinery (``agreements.resources``, ``agreements.excel``):
Vietnamese constant headers, lenient reading (labels or codes, NFC or NFD, decimal comma),
errors per row and column, and every text written formula-safe.

Measurements are few (tens of targets, two periods a year), so each imported row goes through
``services.measurement_record``: the owner-agency rule and the refusal of computed targets apply
row by row, and the service's messages are shown against the row's columns. A row equal to the
value already recorded is left alone: a file exported and imported back changes nothing (not
even the history), and a reporter may import back a full export in which only their agency's
rows were changed.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from openpyxl import Workbook

from agreements.excel import _add_sheet
from agreements.resources import (
    NO,
    YES,
    AgencyWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    ExcelResource,
    LookupWidget,
    ManyField,
    TextWidget,
)
from delegations.resources import IntegerWidget, ServiceResource
from reports.periods import Period, PeriodKind

from .models import Measurement, Target, Task, TaskProgress
from .services import measurement_record, target_states


# ---------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------
class TargetWidget(LookupWidget):
    hint = gettext_lazy("The code of a 2030 target, e.g. 2.1")
    unknown_message = gettext_lazy("No target has the code “%(name)s”.")

    def entries(self):
        for target in Target.objects.all():
            yield target, (target.code,)

    def display(self, obj) -> str:
        return obj.code


class ReferenceWidget(TextWidget):
    """A column written to help the reader (the target's name, its unit); read back as
    nothing, so that editing it changes nothing."""

    def clean(self, value, row=None, **kwargs):
        return None

    def describe(self) -> str:
        return _("For reference only: ignored on import")


def _lines(text: str) -> str:
    """Text as compared with what is recorded: a form sends CRLF, a workbook gives LF."""
    return (text or "").replace("\r\n", "\n").strip()


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
# Where the service's messages go: a period that has not started is the year's fault, and a
# refusal of the whole row (computed target, another agency's target) the target's.
SERVICE_COLUMNS = {"period": "period_year", NON_FIELD_ERRORS: "target"}


class MeasurementResource(ServiceResource):
    sheet_title = "Số liệu chỉ tiêu"
    file_stem = "so-lieu-chi-tieu-2030"
    list_url = "targets:overview"

    target = Field("target", "Mã chỉ tiêu", TargetWidget(required=True))
    target_text = Field("target__text_vi", "Tên chỉ tiêu", ReferenceWidget())
    unit = Field("target__unit", "Đơn vị tính", ReferenceWidget())
    period_year = Field(
        "period_year", "Năm", IntegerWidget(required=True, minimum=2000, maximum=2100)
    )
    period_kind = Field("period_kind", "Kỳ báo cáo", ChoiceWidget(PeriodKind, required=True))
    value = Field("value", "Giá trị", DecimalWidget(required=True))
    evidence = Field("evidence", "Minh chứng", TextWidget())

    class Meta:
        model = Measurement
        fields = (
            "target",
            "target_text",
            "unit",
            "period_year",
            "period_kind",
            "value",
            "evidence",
        )
        import_order = export_order = fields
        import_id_fields: ClassVar[list[str]] = []
        force_init_instance = True
        skip_diff = True
        use_transactions = True

    @classmethod
    def export_queryset(cls, user, params) -> models.QuerySet:
        """Every measurement (everyone reads the targets); ``?mine=1``: the user's agency's."""
        queryset = Measurement.objects.select_related("target")
        if params and params.get("mine") == "1" and user.agency_id:
            queryset = queryset.filter(target__owner_agency_id=user.agency_id)
        # "semiannual" after "annual" alphabetically, before it in the year.
        return queryset.order_by("target__order", "target__code", "period_year", "-period_kind")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.recorded = {
            (target, year, kind): (value, _lines(evidence))
            for target, year, kind, value, evidence in Measurement.objects.values_list(
                "target_id", "period_year", "period_kind", "value", "evidence"
            )
        }
        self.in_file: dict[tuple[int, int, str], int] = {}

    def check(self, instance: Measurement, errors) -> None:
        if {"target", "period_year", "period_kind"} & set(errors):
            return
        row = self.excel_row(self.row_number)
        first = self.in_file.setdefault(
            (instance.target.pk, instance.period_year, instance.period_kind), row
        )
        if first != row:
            errors["period_kind"].append(
                _("This target and period are already on row %(row)s of this file.")
                % {"row": first}
            )

    def do_instance_save(self, instance: Measurement, is_create: bool) -> None:
        target = instance.target
        recorded = self.recorded.get((target.pk, instance.period_year, instance.period_kind))
        if recorded == (instance.value, _lines(instance.evidence)):
            return  # unchanged: nothing to write, so nothing to be allowed to write
        try:
            measurement = measurement_record(
                target=target,
                user=self.user,
                period=Period(instance.period_year, instance.period_kind),
                value=instance.value,
                evidence=instance.evidence,
            )
        except ValidationError as error:  # a DomainError, or the model's own field rules
            raise ValidationError(_by_column(error)) from None
        instance.pk = measurement.pk
        self.saved.append(measurement)


def _by_column(error: ValidationError) -> dict[str, list[str]]:
    by_column: dict[str, list[str]] = defaultdict(list)
    for name, messages in error.update_error_dict({}).items():
        by_column[SERVICE_COLUMNS.get(name, name)] += ValidationError(messages).messages
    return dict(by_column)


# ---------------------------------------------------------------------------
# Tasks (export only: tasks are entered in the portal, progress by the lead agencies)
# ---------------------------------------------------------------------------
class TaskResource(ExcelResource):
    sheet_title = "Nhiệm vụ"
    file_stem = "nhiem-vu-duoc-giao"
    list_url = "targets:task_list"

    plan_number = Field("plan__number", "Số văn bản", TextWidget())
    plan_title = Field("plan__title", "Tên văn bản", TextWidget())
    order = Field("order", "Thứ tự", IntegerWidget())
    text = Field("text", "Nhiệm vụ", TextWidget())
    lead_agency = Field("lead_agency", "Cơ quan chủ trì", AgencyWidget())
    coordinating_agencies = ManyField(
        "coordinating_agencies", "Cơ quan phối hợp", AgencyWidget(many=True)
    )
    deadline = Field("deadline", "Thời hạn", DateWidget())
    deadline_text = Field("deadline_text", "Thời hạn theo văn bản", TextWidget())
    state = Field("state", "Tình trạng", ChoiceWidget(Task.State))
    overdue = Field(column_name="Quá hạn", widget=TextWidget())
    latest_progress = Field(column_name="Tiến độ gần nhất", widget=TextWidget())

    class Meta:
        model = Task
        fields = (
            "plan_number",
            "plan_title",
            "order",
            "text",
            "lead_agency",
            "coordinating_agencies",
            "deadline",
            "deadline_text",
            "state",
            "overdue",
            "latest_progress",
        )
        export_order = fields

    @classmethod
    def export_queryset(cls, user, params, today: date | None = None) -> models.QuerySet:
        """Every task, filtered as the task list is (``?mine=1``, ``?overdue=1``)."""
        queryset = Task.objects.select_related("plan", "lead_agency").prefetch_related(
            "coordinating_agencies",
            Prefetch("progress", queryset=TaskProgress.objects.order_by("-noted_on", "-id")),
        )
        if params and params.get("mine") == "1" and user.agency_id:
            queryset = queryset.filter(lead_agency_id=user.agency_id)
        if params and params.get("overdue") == "1":
            queryset = queryset.overdue(today or timezone.localdate())
        return queryset.order_by("plan", "order", "id")

    def before_export(self, queryset, **kwargs):
        self.today = timezone.localdate()

    def dehydrate_overdue(self, task: Task) -> str:
        return YES if task.is_overdue(self.today) else NO

    def dehydrate_latest_progress(self, task: Task) -> str:
        notes = task.progress.all()
        return f"{notes[0].noted_on:%d/%m/%Y}: {notes[0].note}" if notes else ""


# ---------------------------------------------------------------------------
# Targets (export only): one row a target, one column a reporting period
# ---------------------------------------------------------------------------
TARGET_HEADERS = [
    "Mã chỉ tiêu",
    "Nhóm",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Loại chỉ tiêu",
    "Mức tối thiểu",
    "Mức tối đa",
    "Giá trị cơ sở",
    "Năm cơ sở",
    "Năm hoàn thành",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Cách đo",
]
TARGET_TAIL = ["Kỳ gần nhất", "Giá trị gần nhất", "Tình trạng"]
TARGETS_FILE_STEM = "chi-tieu-2030"


def targets_workbook(targets: models.QuerySet, today: date) -> bytes:
    """Each target with its figures, the value recorded for every period, its latest value
    (computed ones: as counted today) and its status."""
    targets = list(targets.select_related("owner_agency").prefetch_related("contributing_agencies"))
    values: dict[tuple[int, Period], object] = {}
    for measurement in Measurement.objects.filter(target__in=targets):
        values[(measurement.target_id, measurement.period)] = measurement.value
    periods = sorted({period for _target, period in values}, key=lambda p: p.end)
    latest: dict[int, Period] = {}
    for target_id, period in sorted(values, key=lambda pair: pair[1].end):
        latest[target_id] = period
    with translation.override("vi"):
        states = {state.target.pk: state for state in target_states(targets, today)}
        headers = [*TARGET_HEADERS, *(period.label for period in periods), *TARGET_TAIL]
        rows = []
        for target in targets:
            state = states[target.pk]
            if target.source == Target.Source.COMPUTED and state.latest is not None:
                as_of = _("As of %(date)s") % {"date": state.latest.on.strftime("%d/%m/%Y")}
            else:
                as_of = latest[target.pk].label if target.pk in latest else ""
            rows.append(
                [
                    target.code,
                    target.get_group_display(),
                    target.text_vi,
                    target.unit,
                    target.get_kind_display(),
                    target.target_min,
                    target.target_max,
                    target.baseline_value,
                    target.baseline_year,
                    target.deadline_year,
                    target.owner_agency.short_name,
                    "; ".join(a.short_name for a in target.contributing_agencies.all()),
                    target.get_source_display(),
                    *(values.get((target.pk, period)) for period in periods),
                    as_of,
                    state.latest.value if state.latest else None,
                    state.status_label,
                ]
            )
        workbook = Workbook(write_only=True)
        _add_sheet(workbook, "Chỉ tiêu 2030", headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


IMPORTS: dict[str, type[ExcelResource]] = {"measurements": MeasurementResource}
EXPORTS: dict[str, type[ExcelResource]] = {
    "measurements": MeasurementResource,
    "tasks": TaskResource,
}
