"""Status and projection rules on constructed series; computed targets on hand-counted data."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from accounts.errors import DomainError
from partners.models import Partner
from reports.periods import Period
from targets.models import Measurement, Target
from targets.services import Point, evaluate, measurement_record, target_states
from tests.factories import AgencyFactory, AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _target(kind, low, high=None, computed="", **extra):
    return Target.objects.create(
        code=extra.pop("code", f"T{kind}{low}"),
        text_vi="Chỉ tiêu thử",
        group="relations",
        unit="đơn vị",
        kind=kind,
        target_min=low,
        target_max=high,
        owner_agency=extra.pop("owner_agency", None) or AgencyFactory(),
        source="computed" if computed else "entered",
        computed=computed,
        **extra,
    )


def _points(*pairs):
    return [Point(day, Decimal(str(value))) for day, value in pairs]


def test_range_target_met_at_its_lower_bound():
    target = _target("cumulative", 10, 20)
    state = evaluate(target, _points((date(2028, 6, 14), 10)), date(2028, 7, 1))
    assert state.status == "achieved"
    assert (state.progress_min, state.progress_max) == (100, 50)


def test_cumulative_pace_and_projection():
    target = _target("cumulative", 10, 20)
    # 3 new partners by mid-2027: 1.5 years of 5 -> projection 10: on track.
    state = evaluate(target, _points((date(2027, 6, 30), 3)), date(2027, 7, 1))
    assert state.status == "on_track"
    assert state.projection == Decimal("10.0")
    assert state.pace_needed == Decimal("2.0")
    assert evaluate(target, _points((date(2027, 6, 30), 2.5)), date(2027, 7, 1)).status == (
        "at_risk"
    )
    assert evaluate(target, _points((date(2027, 6, 30), 1)), date(2027, 7, 1)).status == (
        "off_track"
    )


def test_per_year_target_missed_in_one_year():
    target = _target("per_year", 2, 3)
    series = _points((date(2026, 12, 14), 3), (date(2027, 12, 14), 1))
    assert evaluate(target, series, date(2028, 1, 10)).status == "off_track"
    # In the current year, judged pro rata: 1 by 30 June is at least 2 x 181/366.
    assert evaluate(target, _points((date(2028, 6, 30), 1)), date(2028, 6, 30)).status == (
        "on_track"
    )
    assert evaluate(target, _points((date(2028, 3, 1), 0)), date(2028, 3, 1)).status == "at_risk"


def test_floor_target_by_trend():
    target = _target("index", 26)
    series = _points((date(2026, 6, 14), 20), (date(2027, 6, 14), 22))
    state = evaluate(target, series, date(2027, 7, 1))
    assert state.status == "on_track"  # +2 a year reaches 26 before the end of 2030
    slow = _points((date(2026, 6, 14), 20), (date(2027, 6, 14), 20.5))
    assert evaluate(target, slow, date(2027, 7, 1)).status == "off_track"
    assert evaluate(target, _points((date(2027, 6, 14), 26)), date(2027, 7, 1)).status == (
        "achieved"
    )


def test_milestone():
    target = _target("milestone", 1)
    assert evaluate(target, _points((date(2027, 6, 14), 0)), date(2027, 7, 1)).status == (
        "on_track"
    )
    assert evaluate(target, _points((date(2030, 6, 14), 0)), date(2030, 7, 1)).status == "at_risk"
    assert evaluate(target, _points((date(2030, 6, 14), 1)), date(2030, 7, 1)).status == (
        "achieved"
    )


def test_no_data():
    state = evaluate(_target("percentage", 100), [], date(2027, 1, 1))
    assert state.status == "no_data"
    assert state.latest is None


def test_new_partners_counted_from_01_01_2026():
    target = _target("cumulative", 10, 20, computed="new_partners")
    PartnerFactory(relation_established_on=date(2025, 12, 31))
    PartnerFactory(relation_established_on=date(2026, 1, 1))
    PartnerFactory(relation_established_on=date(2026, 9, 2))
    PartnerFactory(relation_established_on=None)
    (state,) = target_states([target], today=date(2026, 10, 1))
    assert state.latest.value == 2


def test_new_programmes_counted_from_2026():
    target = _target("cumulative", 3, 5, computed="new_programmes")
    AgreementFactory(kind="programme", signed_on=date(2025, 12, 31))
    AgreementFactory(kind="project", signed_on=date(2026, 1, 1))
    AgreementFactory(kind="mou", signed_on=date(2026, 3, 1))  # not a programme
    AgreementFactory(kind="programme", state="proposed", signed_on=None)
    (state,) = target_states([target], today=date(2026, 10, 1))
    assert state.latest.value == 1


def test_geopark_partners():
    target = _target("cumulative", 5, 10, computed="geoparks")
    network = PartnerFactory(name_vi="Mạng lưới CVĐC", abbreviation="GGN", kind="network")
    PartnerFactory(name_vi="CVĐC Langkawi", parent=network)
    PartnerFactory(name_vi="CVĐC khác")
    (state,) = target_states([target], today=date(2026, 10, 1))
    assert state.latest.value == 1
    assert Partner.objects.count() == 3


def test_promotion_activities_per_year():
    from delegations.models import Conference

    target = _target("per_year", 2, 3, computed="promotion")
    agency = AgencyFactory()
    for year, purpose in [(2026, "investment"), (2026, "culture"), (2025, "trade")]:
        Conference.objects.create(
            title="Hội nghị",
            purpose=purpose,
            organiser=agency,
            start_on=date(year, 5, 1),
            end_on=date(year, 5, 2),
            place="Tuyên Quang",
            state="held",
        )
    (state,) = target_states([target], today=date(2026, 10, 1))
    assert state.latest.value == 1


def test_measurement_corrections_keep_history(reporter):
    target = _target("percentage", 100, owner_agency=reporter.agency)
    with time_machine.travel(date(2026, 7, 1)):
        measurement_record(
            target=target,
            user=reporter,
            period=Period(2026, "semiannual"),
            value=Decimal(60),
            evidence="Báo cáo số 12",
        )
        measurement_record(
            target=target,
            user=reporter,
            period=Period(2026, "semiannual"),
            value=Decimal(65),
            evidence="Đã rà soát lại",
        )
    measurement = Measurement.objects.get()
    assert measurement.value == 65
    values = [h.value for h in measurement.history.all()]
    assert values[0] == 65
    assert Decimal(60) in values  # the correction keeps the earlier value
    with time_machine.travel(date(2026, 7, 1)), pytest.raises(DomainError):
        measurement_record(
            target=target, user=reporter, period=Period(2026, "semiannual"), value=Decimal(120)
        )


def test_computed_targets_are_not_typed(official):
    target = _target("cumulative", 10, 20, computed="new_partners")
    with pytest.raises(DomainError):
        measurement_record(
            target=target, user=official, period=Period(2026, "semiannual"), value=Decimal(1)
        )


def test_demo_catalogue_has_every_target():
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    assert Target.objects.count() == 23
    assert Target.objects.filter(source="computed").count() == 5
    states = target_states(Target.objects.all())
    assert {s.status for s in states} <= {"achieved", "on_track", "at_risk", "off_track", "no_data"}


def _review(agreement, period: Period) -> None:
    from agreements.models import Review

    Review.objects.create(
        agreement=agreement,
        period_year=period.year,
        period_kind=period.kind,
        reviewed_on=period.start,
        agency=agreement.lead_agency,
        overall="on_track",
        achievements="Đã làm",
    )


@pytest.mark.parametrize(
    ("in_force", "reviewed", "percent"), [(0, 0, None), (3, 1, 33), (8, 1, 12)]
)
def test_review_share_is_the_review_coverage(in_force, reviewed, percent):
    """The figure is agreements.services.review_coverage's percent, rounded as it rounds."""
    from agreements.services import review_coverage
    from reports.periods import current_period

    today = date(2026, 10, 1)
    target = _target("percentage", 100, computed="review_share")
    agreements = [AgreementFactory() for _ in range(in_force)]
    AgreementFactory(state="expired")  # not in force: counted in neither
    for agreement in agreements[:reviewed]:
        _review(agreement, current_period(today))
    if agreements:
        _review(agreements[-1], Period(2025, "annual"))  # another period: not counted
    (state,) = target_states([target], today=today)
    assert review_coverage(today=today).percent == percent
    if percent is None:
        assert state.latest is None
    else:
        assert state.latest.value == percent


def test_every_computed_figure_in_one_query(django_assert_num_queries):
    """Five computed targets: their measurements and figures in two queries, each figure
    what the portal's own counting gives."""
    from agreements.services import review_coverage
    from delegations.services import promotion_activities
    from reports.periods import current_period

    today = date(2026, 10, 1)
    computations = ["new_partners", "new_programmes", "review_share", "promotion", "geoparks"]
    targets = [
        _target("cumulative", 10, computed=c, code=f"C{n}") for n, c in enumerate(computations)
    ]
    network = PartnerFactory(abbreviation="GGN", kind="network")
    PartnerFactory(parent=network, relation_established_on=date(2026, 2, 1))
    PartnerFactory(relation_established_on=date(2026, 3, 1))
    for n in range(4):
        agreement = AgreementFactory(kind="programme", signed_on=date(2026, 1, 10 + n))
        if n % 2:
            _review(agreement, current_period(today))
    AgreementFactory(kind="project", state="expired", signed_on=date(2026, 2, 1))
    _test_promotion_records(today.year)

    with django_assert_num_queries(2):
        states = target_states(targets, today=today)
    figures = {s.target.computed: s.latest.value for s in states}
    assert figures == {
        "new_partners": 2,
        "new_programmes": 5,
        "review_share": review_coverage(today=today).percent,
        "promotion": promotion_activities(year=today.year),
        "geoparks": 1,
    }
    assert figures["review_share"] == 50
    assert figures["promotion"] == 2


def _test_promotion_records(year: int) -> None:
    from delegations.models import Conference

    agency = AgencyFactory()
    for y, purpose, state in [
        (year, "investment", "held"),
        (year, "trade", "held"),
        (year, "culture", "held"),
        (year, "tourism", "cancelled"),
        (year - 1, "trade", "held"),
    ]:
        Conference.objects.create(
            title="Hội nghị",
            purpose=purpose,
            organiser=agency,
            start_on=date(y, 5, 1),
            end_on=date(y, 5, 2),
            place="Tuyên Quang",
            state=state,
        )


def test_computed_figures_are_kept_until_a_counted_record_changes(
    django_assert_num_queries, reporter
):
    target = _target("cumulative", 10, computed="new_partners")
    entered = _target("cumulative", 10, code="E1", owner_agency=reporter.agency)
    first = PartnerFactory(relation_established_on=date(2026, 2, 1))
    today = date(2026, 10, 1)
    assert target_states([target], today=today)[0].latest.value == 1
    with django_assert_num_queries(1):  # the measurements only
        assert target_states([target], today=today)[0].latest.value == 1

    PartnerFactory(relation_established_on=date(2026, 3, 1))
    assert target_states([target], today=today)[0].latest.value == 2
    first.delete()
    assert target_states([target], today=today)[0].latest.value == 1
    # Measurements are never kept: a value recorded shows at once.
    with time_machine.travel(date(2026, 7, 1)):
        measurement_record(
            target=entered, user=reporter, period=Period(2026, "semiannual"), value=Decimal(4)
        )
    states = target_states([target, entered], today=today)
    assert [s.latest.value for s in states] == [1, 4]
