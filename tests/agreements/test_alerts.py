"""Alerts on the agreements registry: the rules (for a given day) and the alerts page."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import services
from agreements.alerts import AlertKind, alert_count, alert_counts, alerts_for, count_by_kind
from agreements.models import Agreement, LegalNotice, Output, Review
from reports.periods import Period, PeriodKind
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
S = Agreement.State
_numbers = itertools.count(1)


def make_agreement(lead, *, state=S.IN_FORCE, **fields) -> Agreement:
    """An agreement straight in the database (no partners needed for alerts)."""
    n = next(_numbers)
    values = {
        "kind": Agreement.Kind.MOU,
        "number": f"{n:03d}/BB-HT",
        "title_vi": f"Biên bản ghi nhớ hợp tác số {n}",
        "signing_level": Agreement.SigningLevel.DEPARTMENT,
        "objectives": "Tăng cường hợp tác du lịch.",
        "signed_on": date(2024, 1, 10),
        "effective_on": date(2024, 1, 10),
        **fields,
    }
    return Agreement.objects.create(lead_agency=lead, state=state, **values)


def review(agreement, year: int, kind: str, reviewed_on: date | None = None) -> Review:
    period = Period(year, kind)
    return Review.objects.create(
        agreement=agreement,
        period_year=year,
        period_kind=kind,
        reviewed_on=reviewed_on or period.end,
        agency=agreement.lead_agency,
        overall=Review.Overall.ON_TRACK,
        achievements="Đã tổ chức đoàn khảo sát.",
    )


def reviewed_up_to_date(agreement, today: date) -> None:
    """Reviews for the current and the previous period, so no review alert."""
    from reports.periods import current_period

    period = current_period(today)
    review(agreement, period.year, period.kind, reviewed_on=today)
    previous = period.previous()
    review(agreement, previous.year, previous.kind)


def kinds_of(alerts, agreement) -> list[str]:
    return [a.kind for a in alerts if a.agreement.pk == agreement.pk]


# --------------------------------------------------------------------------------------------
# Agreements ending within 90/60/30 days
# --------------------------------------------------------------------------------------------
def test_expiring_agreements_fall_in_three_bands(official, agency):
    today = date(2026, 3, 1)
    ending = {
        days: make_agreement(agency, end_on=today + timedelta(days=days))
        for days in (0, 30, 31, 60, 61, 90, 91)
    }
    past = make_agreement(agency, end_on=today - timedelta(days=1))
    renewed = make_agreement(agency, end_on=today + timedelta(days=10), auto_renewal=True)
    suspended = make_agreement(agency, state=S.SUSPENDED, end_on=today + timedelta(days=10))

    alerts = alerts_for(official, today, kinds=[AlertKind.EXPIRING])

    bands = {a.agreement.pk: a.band for a in alerts}
    assert bands == {
        ending[0].pk: 30,
        ending[30].pk: 30,
        ending[31].pk: 60,
        ending[60].pk: 60,
        ending[61].pk: 90,
        ending[90].pk: 90,
    }
    assert {past.pk, renewed.pk, suspended.pk}.isdisjoint(bands)
    soonest = next(a for a in alerts if a.agreement.pk == ending[30].pk)
    assert soonest.on == date(2026, 3, 31)
    assert soonest.severity == "danger"
    assert next(a for a in alerts if a.agreement.pk == ending[90].pk).severity == "warning"


# --------------------------------------------------------------------------------------------
# Reviews due and overdue, across the period boundaries (Decree 09/2019: 14/06, 14/12)
# --------------------------------------------------------------------------------------------
SEMI, ANNUAL = PeriodKind.SEMIANNUAL, PeriodKind.ANNUAL


def test_review_due_and_overdue_around_14_and_15_june(official, agency):
    both = make_agreement(agency)  # reviewed for annual 2025 and 6-month 2026
    review(both, 2025, ANNUAL)
    review(both, 2026, SEMI)
    last_year_only = make_agreement(agency)  # reviewed for annual 2025 only
    review(last_year_only, 2025, ANNUAL)

    june_14 = alerts_for(official, date(2026, 6, 14))
    assert kinds_of(june_14, both) == []
    assert kinds_of(june_14, last_year_only) == [AlertKind.REVIEW_DUE]
    due = next(a for a in june_14 if a.agreement.pk == last_year_only.pk)
    assert due.on == date(2026, 6, 14)  # the 6-month period ends that day

    june_15 = alerts_for(official, date(2026, 6, 15))
    assert kinds_of(june_15, both) == [AlertKind.REVIEW_DUE]  # now the annual 2026 period
    assert next(a for a in june_15 if a.agreement.pk == both.pk).on == date(2026, 12, 14)
    assert kinds_of(june_15, last_year_only) == [AlertKind.REVIEW_OVERDUE]
    overdue = next(a for a in june_15 if a.agreement.pk == last_year_only.pk)
    assert overdue.on == date(2026, 6, 14)
    assert overdue.severity == "danger"


def test_review_due_and_overdue_around_14_and_15_december(official, agency):
    both = make_agreement(agency)
    review(both, 2026, SEMI)
    review(both, 2026, ANNUAL)
    semi_only = make_agreement(agency)
    review(semi_only, 2026, SEMI)

    december_14 = alerts_for(official, date(2026, 12, 14))
    assert kinds_of(december_14, both) == []
    assert kinds_of(december_14, semi_only) == [AlertKind.REVIEW_DUE]

    december_15 = alerts_for(official, date(2026, 12, 15))
    # From 15/12 the data goes into the 6-month report of the next year.
    assert kinds_of(december_15, both) == [AlertKind.REVIEW_DUE]
    assert next(a for a in december_15 if a.agreement.pk == both.pk).on == date(2027, 6, 14)
    assert kinds_of(december_15, semi_only) == [AlertKind.REVIEW_OVERDUE]


def test_review_alerts_only_for_agreements_in_force_and_not_overdue_before_they_started(
    official, agency
):
    today = date(2026, 7, 20)
    new = make_agreement(agency, signed_on=date(2026, 6, 20), effective_on=date(2026, 7, 1))
    signed = make_agreement(agency, state=S.SIGNED)
    expired = make_agreement(agency, state=S.EXPIRED)

    alerts = alerts_for(official, today)
    assert kinds_of(alerts, new) == [AlertKind.REVIEW_DUE]
    assert kinds_of(alerts, signed) == []
    assert kinds_of(alerts, expired) == []


# --------------------------------------------------------------------------------------------
# Outputs past due
# --------------------------------------------------------------------------------------------
def test_outputs_past_due(official, agency, other_agency):
    today = date(2026, 9, 10)
    agreement = make_agreement(agency)
    reviewed_up_to_date(agreement, today)
    ended = make_agreement(agency, state=S.TERMINATED)

    def output(on, due_on, status=Output.Status.IN_PROGRESS, responsible=other_agency):
        return Output.objects.create(
            agreement=on,
            description=f"Sản phẩm hạn {due_on}",
            due_on=due_on,
            status=status,
            responsible_agency=responsible,
        )

    late = output(agreement, today - timedelta(days=1))
    output(agreement, today)  # due today: not yet late
    output(agreement, None)
    output(agreement, today - timedelta(days=5), Output.Status.ACHIEVED)
    output(agreement, today - timedelta(days=5), Output.Status.CANCELLED)
    output(ended, today - timedelta(days=5))

    alerts = alerts_for(official, today)
    assert [(a.kind, a.url) for a in alerts] == [
        (AlertKind.OUTPUT_PAST_DUE, f"/agreements/{agreement.pk}/#output-{late.pk}")
    ]
    assert alerts[0].agency == other_agency.name
    assert alerts[0].days == -1


# --------------------------------------------------------------------------------------------
# Legal notices (15 days after signing or a change)
# --------------------------------------------------------------------------------------------
def test_legal_notice_due_then_overdue_then_done(official, agency):
    agreement = services.agreement_create(
        user=official,
        data={
            "kind": Agreement.Kind.MOU,
            "title_vi": "Biên bản ghi nhớ với tỉnh Xiêng Khoảng",
            "signing_level": Agreement.SigningLevel.DEPARTMENT,
            "state": S.APPROVED,
            "lead_agency": agency,
            "objectives": "Hợp tác giáo dục.",
        },
        partners=[PartnerFactory()],
    )
    services.agreement_record_event(
        agreement=agreement,
        kind="signing",
        occurred_on=date(2026, 3, 1),
        user=official,
        details={"signer_vn_name": "Nguyễn Văn A", "signer_partner_name": "Somphone"},
        today=date(2026, 3, 1),
    )
    notice = LegalNotice.objects.get(agreement=agreement)
    assert notice.due_on == date(2026, 3, 16)

    def notice_alerts(today):
        return [
            a
            for a in alerts_for(official, today)
            if a.kind in (AlertKind.NOTICE_DUE, AlertKind.NOTICE_OVERDUE)
        ]

    [due] = notice_alerts(date(2026, 3, 16))
    assert due.kind == AlertKind.NOTICE_DUE
    assert due.url == f"/agreements/{agreement.pk}/#notices"
    [overdue] = notice_alerts(date(2026, 3, 17))
    assert overdue.kind == AlertKind.NOTICE_OVERDUE
    assert overdue.days == -1

    services.notice_mark_done(
        notice=notice, done_on=date(2026, 3, 20), reference="12/BC-SVHTTDL", user=official
    )
    assert notice_alerts(date(2026, 3, 21)) == []


# --------------------------------------------------------------------------------------------
# Stale: no update or review for 12 months
# --------------------------------------------------------------------------------------------
def test_stale_agreements(official, agency):
    today = date(2026, 9, 1)
    long_ago = datetime(2025, 7, 1, 9, 0, tzinfo=TZ)
    stale = make_agreement(agency)
    reviewed_recently = make_agreement(agency)
    fresh = make_agreement(agency)
    ended = make_agreement(agency, state=S.EXPIRED)
    review(reviewed_recently, 2026, SEMI, reviewed_on=date(2026, 6, 1))
    Agreement.objects.filter(pk__in=[stale.pk, reviewed_recently.pk, ended.pk]).update(
        updated_at=long_ago
    )
    Agreement.objects.filter(pk=fresh.pk).update(updated_at=datetime(2026, 8, 1, tzinfo=TZ))

    alerts = alerts_for(official, today, kinds=[AlertKind.STALE])

    assert [(a.agreement.pk, a.on) for a in alerts] == [(stale.pk, date(2025, 7, 1))]


# --------------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------------
@pytest.fixture
def scoped_registry(agency, other_agency):
    """Agreements of two agencies, each with a late output; all dates as of 10/09/2026."""
    today = date(2026, 9, 10)
    late = today - timedelta(days=3)
    mine_internal = make_agreement(agency, is_public=False, end_on=today + timedelta(days=20))
    theirs_public = make_agreement(other_agency, end_on=today + timedelta(days=20))
    theirs_internal = make_agreement(other_agency, is_public=False)
    Output.objects.create(
        agreement=mine_internal,
        description="Tour du lịch chung",
        due_on=late,
        responsible_agency=agency,
    )
    assigned_to_me = Output.objects.create(
        agreement=theirs_public,
        description="Hội chợ thương mại",
        due_on=late,
        responsible_agency=agency,
    )
    Output.objects.create(
        agreement=theirs_public,
        description="Đoàn xúc tiến",
        due_on=late,
        responsible_agency=other_agency,
    )
    # Assigned to my agency, but on an internal agreement I cannot open: no alert for me.
    Output.objects.create(
        agreement=theirs_internal,
        description="Báo cáo nội bộ",
        due_on=late,
        responsible_agency=agency,
    )
    return {
        "today": today,
        "mine": mine_internal,
        "theirs": theirs_public,
        "theirs_internal": theirs_internal,
        "assigned_to_me": assigned_to_me,
    }


def test_reporter_sees_own_agency_alerts_and_outputs_assigned_to_it(
    scoped_registry, reporter, other_reporter
):
    today = scoped_registry["today"]
    mine, theirs = scoped_registry["mine"], scoped_registry["theirs"]

    alerts = alerts_for(reporter, today)
    agreements = {a.agreement.pk for a in alerts if a.kind != AlertKind.OUTPUT_PAST_DUE}
    assert agreements == {mine.pk}
    outputs = sorted(a.subject for a in alerts if a.kind == AlertKind.OUTPUT_PAST_DUE)
    assert outputs == ["Hội chợ thương mại", "Tour du lịch chung"]

    other = alerts_for(other_reporter, today)
    assert mine.pk not in {a.agreement.pk for a in other}
    assert {a.subject for a in other if a.kind == AlertKind.OUTPUT_PAST_DUE} == {
        "Đoàn xúc tiến",
        "Báo cáo nội bộ",  # their own agreement: every output of it
        "Hội chợ thương mại",
    }
    assert theirs.pk in {a.agreement.pk for a in other if a.kind == AlertKind.EXPIRING}


@pytest.mark.parametrize("user_fixture", ["official", "leader", "administrator"])
def test_officials_and_leaders_see_every_alert(scoped_registry, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    alerts = alerts_for(user, scoped_registry["today"])
    assert len([a for a in alerts if a.kind == AlertKind.OUTPUT_PAST_DUE]) == 4
    expiring = {a.agreement.pk for a in alerts if a.kind == AlertKind.EXPIRING}
    assert expiring == {scoped_registry["mine"].pk, scoped_registry["theirs"].pk}
    assert alert_count(user, scoped_registry["today"]) == len(alerts)


def test_inactive_users_see_nothing(scoped_registry, reporter):
    reporter.is_active = False
    reporter.save()
    assert alerts_for(reporter, scoped_registry["today"]) == []


# --------------------------------------------------------------------------------------------
# The alerts page
# --------------------------------------------------------------------------------------------
FROZEN = datetime(2026, 9, 10, 8, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("user_fixture", "sees_mine", "sees_theirs"),
    [
        ("official", True, True),
        ("leader", True, True),
        ("administrator", True, True),
        ("reporter", True, False),
        ("other_reporter", False, True),
    ],
)
def test_alerts_page_per_role(
    client, request, scoped_registry, user_fixture, sees_mine, sees_theirs
):
    client.force_login(request.getfixturevalue(user_fixture))
    with time_machine.travel(FROZEN, tick=False):
        response = client.get(reverse("agreements:alerts"))
    assert response.status_code == 200
    content = response.content.decode()
    mine, theirs = scoped_registry["mine"], scoped_registry["theirs"]
    assert (f'href="{mine.get_absolute_url()}"' in content) is sees_mine
    assert (f'href="{theirs.get_absolute_url()}"' in content) is sees_theirs
    assert "Nhắc việc" in content
    assert "10/09/2026" in content


def test_alerts_page_sends_anonymous_to_login(client):
    response = client.get(reverse("agreements:alerts"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("user_fixture", ["official", "reporter", "other_reporter", "leader"])
def test_alerts_page_is_read_only(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.post(reverse("agreements:alerts")).status_code == 405


def test_alerts_page_filters_by_kind(client, official, scoped_registry):
    client.force_login(official)
    with time_machine.travel(FROZEN, tick=False):
        response = client.get(reverse("agreements:alerts"), {"kind": "output_past_due"})
        everything = client.get(reverse("agreements:alerts"), {"kind": "nonsense"})
    assert response.status_code == 200
    assert {a.kind for a in response.context["alerts"]} == {AlertKind.OUTPUT_PAST_DUE}
    assert len(response.context["alerts"]) == 4
    assert response.context["kind"] == "output_past_due"
    assert "Sản phẩm đầu ra quá hạn" in response.content.decode()
    assert everything.context["kind"] == ""
    assert len(everything.context["alerts"]) == everything.context["total"] > 4


def test_alerts_page_messages_are_vietnamese(client, official, scoped_registry):
    client.force_login(official)
    with time_machine.travel(FROZEN, tick=False):
        content = client.get(reverse("agreements:alerts")).content.decode()
    assert "Hết hiệu lực ngày 30/09/2026, còn 20 ngày." in content
    assert "Sản phẩm đầu ra “Hội chợ thương mại” đến hạn ngày 07/09/2026 (quá hạn 3 ngày)." in (
        content
    )


def _registry(agencies, size: int, today: date) -> None:
    """``size`` agreements spread over every alert kind and several agencies."""
    long_ago = datetime(2025, 1, 1, tzinfo=TZ)
    for i in range(size):
        lead = agencies[i % len(agencies)]
        agreement = make_agreement(
            lead,
            end_on=today + timedelta(days=10 + i % 120),
            is_public=bool(i % 2),
        )
        Output.objects.create(
            agreement=agreement,
            description=f"Sản phẩm {i}",
            due_on=today - timedelta(days=1 + i % 30),
            responsible_agency=agencies[(i + 1) % len(agencies)],
        )
        LegalNotice.objects.create(
            agreement=agreement,
            kind=LegalNotice.Kind.SIGNING_REPORT,
            due_on=today + timedelta(days=i % 30 - 15),
        )
        if i % 5 == 0:
            review(agreement, 2026, SEMI)  # the others are overdue for it
        if i % 4 == 0:
            Agreement.objects.filter(pk=agreement.pk).update(updated_at=long_ago)


@pytest.mark.parametrize("user_fixture", ["official", "reporter"])
def test_alerts_page_query_count_does_not_grow_with_the_registry(
    client, request, agency, other_agency, user_fixture, django_assert_max_num_queries
):
    agencies = [agency, other_agency, AgencyFactory()]
    client.force_login(request.getfixturevalue(user_fixture))
    today = FROZEN.date()
    url = reverse("agreements:alerts")

    _registry(agencies, 5, today)
    with time_machine.travel(FROZEN, tick=False):
        client.get(url)  # the session's once-a-minute refresh happens here, not below
    with time_machine.travel(FROZEN, tick=False), CaptureQueriesContext(connection) as small:
        client.get(url)

    _registry(agencies, 195, today)
    assert Agreement.objects.count() == 200
    with time_machine.travel(FROZEN, tick=False), django_assert_max_num_queries(12):
        response = client.get(url)
    with time_machine.travel(FROZEN, tick=False), CaptureQueriesContext(connection) as large:
        client.get(url)

    assert response.status_code == 200
    assert response.context["total"] > 200
    assert len(large.captured_queries) == len(small.captured_queries)
    kinds = {k["value"] for k in response.context["kinds"] if k["count"]}
    assert kinds == set(AlertKind.values)


def test_expire_agreements_task_moves_ended_agreements_to_expired(official, agency):
    from agreements.tasks import expire_agreements

    ended = make_agreement(agency, end_on=date(2026, 9, 9))
    last_day = make_agreement(agency, end_on=date(2026, 9, 10))
    renewed = make_agreement(agency, end_on=date(2026, 9, 1), auto_renewal=True)

    with time_machine.travel(FROZEN, tick=False):
        assert expire_agreements() == 1
        assert expire_agreements() == 0  # the next run finds nothing left to do

    states = dict(Agreement.objects.values_list("pk", "state"))
    assert states == {ended.pk: S.EXPIRED, last_day.pk: S.IN_FORCE, renewed.pk: S.IN_FORCE}
    # An expired agreement leaves the review and expiry alerts.
    assert kinds_of(alerts_for(official, FROZEN.date()), ended) == []


@pytest.mark.parametrize("user_fixture", ["official", "leader", "reporter", "other_reporter"])
def test_alert_counts_in_the_database_equal_the_alerts_counted(
    request, agency, other_agency, user_fixture
):
    """The home page's cards count in the database what the alerts page lists."""
    user = request.getfixturevalue(user_fixture)
    today = FROZEN.date()
    _registry([agency, other_agency, AgencyFactory()], 30, today)
    for day in (today, today + timedelta(days=20), today + timedelta(days=200)):
        expected = count_by_kind(alerts_for(user, day))
        assert alert_counts(user, day) == expected
    assert all(count_by_kind(alerts_for(user, today)).values())  # every kind is compared
