"""International conference pages: every view for an official, the organiser's reporter,
another agency's reporter, a leader and an anonymous visitor; the 30/40-day lead time, the
15-day results report, the annual report (15/12 → 14/12, due 18/12); fixed query counts."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from delegations.models import Conference
from tests.delegations.factories import ConferenceFactory
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TODAY = date(2026, 6, 20)
C = Conference.State


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def conference(agency):
    """A proposed conference of the reporter's agency (SVHTTDL), filed in good time."""
    conference = ConferenceFactory(
        organiser=agency,
        title="Hội thảo xúc tiến du lịch Cao nguyên đá",
        start_on=date(2026, 9, 10),
        end_on=date(2026, 9, 11),
        application_date=date(2026, 7, 1),
        foreign_participants=40,
    )
    conference.partners.set([PartnerFactory(name_vi="Tỉnh Xiêng Khoảng")])
    return conference


@pytest.fixture
def closed(agency):
    """An approved conference of SVHTTDL that closed on 11/06/2026, results not recorded."""
    return ConferenceFactory(
        organiser=agency,
        state=C.APPROVED,
        start_on=date(2026, 6, 10),
        end_on=date(2026, 6, 11),
        application_date=date(2026, 4, 1),
        decision_number="456/QĐ-UBND",
        decision_date=date(2026, 4, 20),
    )


def _login(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


def _form_data(organiser, **extra) -> dict:
    return {
        "title": "Hội nghị xúc tiến đầu tư vào nông nghiệp",
        "purpose": "investment",
        "organiser": organiser.pk,
        "start_on": "10/09/2026",
        "end_on": "11/09/2026",
        "place": "Thành phố Tuyên Quang",
        "format": "in_person",
        "foreign_participants": "25",
        "approval_authority": "province",
        "application_date": "01/07/2026",
        **extra,
    }


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------
READERS = ["official", "reporter", "other_reporter", "leader", "administrator"]


@pytest.mark.parametrize("who", READERS)
def test_list_and_detail_are_read_by_everyone_logged_in(client, request, conference, who):
    _login(client, request, who)
    response = client.get(reverse("delegations:conference_list"))
    assert response.status_code == 200
    assert list(response.context["conferences"]) == [conference]
    page = response.content.decode()
    assert "10/09/2026 – 11/09/2026" in page
    assert "SVHTTDL" in page
    response = client.get(conference.get_absolute_url())
    assert response.status_code == 200
    assert "Tỉnh Xiêng Khoảng" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["conference_list", "conference_create", "conference_annual_report"]
)
def test_pages_without_object_need_a_login(client, name):
    assert client.get(reverse(f"delegations:{name}"))["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    "name", ["conference_detail", "conference_update", "conference_decide", "conference_results"]
)
def test_pages_of_a_conference_need_a_login(client, conference, name):
    url = reverse(f"delegations:{name}", args=[conference.pk])
    assert client.get(url)["Location"].startswith(LOGIN)
    assert client.post(url, {"state": "approved"})["Location"].startswith(LOGIN)
    conference.refresh_from_db()
    assert conference.state == C.PROPOSED


def test_unknown_conference_is_404(client, official):
    client.force_login(official)
    assert client.get(reverse("delegations:conference_detail", args=[999])).status_code == 404


def test_list_filters(client, official, agency, other_agency):
    mine = ConferenceFactory(organiser=agency, start_on=date(2025, 5, 1), end_on=date(2025, 5, 2))
    held = ConferenceFactory(
        organiser=agency, state=C.HELD, start_on=date(2025, 3, 1), end_on=date(2025, 3, 1)
    )
    ConferenceFactory(organiser=other_agency, start_on=date(2025, 5, 1), end_on=date(2025, 5, 2))
    ConferenceFactory(organiser=agency, start_on=date(2026, 5, 1), end_on=date(2026, 5, 2))
    client.force_login(official)
    url = reverse("delegations:conference_list")
    response = client.get(url, {"organiser": agency.pk, "year": 2025})
    assert list(response.context["conferences"]) == [mine, held]
    response = client.get(url, {"organiser": agency.pk, "year": 2025, "state": "held"})
    assert list(response.context["conferences"]) == [held]
    # An invalid filter leaves the list unfiltered rather than failing.
    response = client.get(url, {"year": "abc"})
    assert response.status_code == 200
    assert len(response.context["conferences"]) == 4


def test_list_query_count_is_fixed(client, official, reporter, django_assert_max_num_queries):
    agencies = [AgencyFactory() for _ in range(5)]
    partners = [PartnerFactory() for _ in range(3)]
    for n in range(200):
        conference = ConferenceFactory(
            organiser=agencies[n % 5],
            state=[C.PROPOSED, C.APPROVED, C.HELD, C.CANCELLED][n % 4],
            start_on=date(2025 + n % 2, 1 + n % 12, 1),
            end_on=date(2025 + n % 2, 1 + n % 12, 2),
        )
        conference.partners.set(partners)
    for user in (official, reporter):
        client.force_login(user)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("delegations:conference_list"))
        assert len(response.context["conferences"]) == 50
        with django_assert_max_num_queries(10):
            response = client.get(
                reverse("delegations:conference_list"),
                {"year": 2025, "state": "held", "organiser": agencies[0].pk, "page": 1},
            )
        assert response.status_code == 200
    detail = Conference.objects.first()
    with django_assert_max_num_queries(10):
        assert client.get(detail.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------
# Lead time (Decision 06/2020/QĐ-TTg: 30 days, 40 when the Prime Minister approves)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("authority", "applied", "warned"),
    [
        ("province", date(2026, 8, 11), False),  # exactly 30 days before 10/09
        ("province", date(2026, 8, 12), True),
        ("prime_minister", date(2026, 8, 1), False),  # exactly 40 days
        ("prime_minister", date(2026, 8, 2), True),
    ],
)
def test_detail_lead_time_warning(client, official, conference, authority, applied, warned):
    conference.approval_authority = authority
    conference.application_date = applied
    conference.save()
    client.force_login(official)
    response = client.get(conference.get_absolute_url())
    assert (response.context["warning"] is not None) == warned
    assert ('data-testid="lead-time-warning"' in response.content.decode()) == warned
    deadline = "11/08/2026" if authority == "province" else "01/08/2026"
    assert deadline in response.content.decode()


def test_lead_time_warning_is_in_vietnamese(client, reporter, agency):
    # Opening on 05/07/2026, nothing filed yet on 20/06: the deadline was 05/06/2026.
    late = ConferenceFactory(organiser=agency, start_on=date(2026, 7, 5), end_on=date(2026, 7, 6))
    client.force_login(reporter)
    with translation.override("vi"):
        page = client.get(late.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Không bảo đảm thời hạn gửi hồ sơ theo quy định." in page
    assert "chậm nhất ngày 05/06/2026 (trước ngày khai mạc 30 ngày)" in page


def test_no_lead_time_warning_for_an_approved_conference_without_application_date(
    client, official, closed
):
    closed.application_date = None
    closed.save()
    client.force_login(official)
    assert client.get(closed.get_absolute_url()).context["warning"] is None


# ---------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("official", 200), ("reporter", 200)])
def test_create_page(client, request, who, status):
    _login(client, request, who)
    assert client.get(reverse("delegations:conference_create")).status_code == status


@pytest.mark.parametrize("who", ["leader", "administrator"])
def test_create_is_refused_to_readers(client, request, agency, who):
    _login(client, request, who)
    url = reverse("delegations:conference_create")
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(agency)).status_code == 403
    assert not Conference.objects.exists()


def test_reporter_proposes_for_own_agency_only(client, reporter, agency, other_agency):
    client.force_login(reporter)
    url = reverse("delegations:conference_create")
    response = client.post(url, _form_data(other_agency))
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors
    assert not Conference.objects.exists()
    partner = PartnerFactory()
    response = client.post(url, _form_data(agency, partners=[partner.pk]))
    conference = Conference.objects.get()
    assert response["Location"] == conference.get_absolute_url()
    assert conference.organiser == agency
    assert conference.state == C.PROPOSED
    assert conference.created_by == reporter
    assert list(conference.partners.all()) == [partner]
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["success"]


def test_official_proposes_for_any_agency(client, official, other_agency):
    client.force_login(official)
    client.post(reverse("delegations:conference_create"), _form_data(other_agency))
    assert Conference.objects.get().organiser == other_agency


def test_short_lead_time_saves_with_a_warning(client, reporter, agency):
    client.force_login(reporter)
    # Opening 05/07/2026, filed today (20/06/2026): 15 days instead of 30.
    data = _form_data(
        agency, start_on="05/07/2026", end_on="06/07/2026", application_date="20/06/2026"
    )
    response = client.post(reverse("delegations:conference_create"), data)
    assert response.status_code == 302
    conference = Conference.objects.get()
    messages = list(get_messages(response.wsgi_request))
    assert [m.level_tag for m in messages] == ["success", "warning"]
    assert "05/06/2026" in str(messages[1])
    # The message is shown on the next page.
    assert client.get(conference.get_absolute_url()).status_code == 200


def test_form_checks_dates(client, official, agency):
    client.force_login(official)
    data = _form_data(agency, end_on="09/09/2026", application_date="11/09/2026")
    response = client.post(reverse("delegations:conference_create"), data)
    errors = response.context["form"].errors
    assert "end_on" in errors
    assert "application_date" in errors
    assert not Conference.objects.exists()


UPDATE_CASES = [
    ("official", C.PROPOSED, 200),
    ("reporter", C.PROPOSED, 200),
    ("other_reporter", C.PROPOSED, 403),
    ("leader", C.PROPOSED, 403),
    ("administrator", C.PROPOSED, 403),
    ("official", C.APPROVED, 200),
    ("reporter", C.APPROVED, 403),  # once approved the reporter only adds results
    ("reporter", C.HELD, 403),
]


@pytest.mark.parametrize(("who", "state", "status"), UPDATE_CASES)
def test_update_permissions(client, request, conference, agency, who, state, status):
    conference.state = state
    conference.save()
    _login(client, request, who)
    url = reverse("delegations:conference_update", args=[conference.pk])
    assert client.get(url).status_code == status
    decision = {"decision_number": "1/QĐ-UBND", "decision_date": "01/06/2026"}
    response = client.post(url, _form_data(agency, title="Tiêu đề đã sửa", **decision))
    conference.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert conference.title == "Tiêu đề đã sửa"
        assert conference.state == state
    else:
        assert response.status_code == 403
        assert conference.title == "Hội thảo xúc tiến du lịch Cao nguyên đá"


def test_decision_fields_only_for_official_on_approved(client, official, reporter, closed):
    url = reverse("delegations:conference_update", args=[closed.pk])
    client.force_login(official)
    assert "decision_number" in client.get(url).context["form"].fields
    closed.state = C.PROPOSED
    closed.save()
    client.force_login(reporter)
    assert "decision_number" not in client.get(url).context["form"].fields


# ---------------------------------------------------------------------------
# Approve / cancel
# ---------------------------------------------------------------------------
def _approve(client, conference, number="789/QĐ-UBND", day="15/06/2026"):
    return client.post(
        reverse("delegations:conference_decide", args=[conference.pk]),
        {"state": "approved", "approve-decision_number": number, "approve-decision_date": day},
    )


def test_official_approves(client, official, conference):
    client.force_login(official)
    response = _approve(client, conference)
    assert response["Location"] == conference.get_absolute_url()
    conference.refresh_from_db()
    assert conference.state == C.APPROVED
    assert (conference.decision_number, conference.decision_date) == (
        "789/QĐ-UBND",
        date(2026, 6, 15),
    )
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "789/QĐ-UBND" in page
    assert "15/06/2026" in page


def test_approval_needs_number_and_date(client, official, conference):
    client.force_login(official)
    response = _approve(client, conference, number="", day="")
    assert response.status_code == 200
    assert response.context["approve_form"].errors
    conference.refresh_from_db()
    assert conference.state == C.PROPOSED


def test_approval_refused_by_the_service(client, official, closed):
    client.force_login(official)
    response = _approve(client, closed)
    assert response.status_code == 200
    assert response.context["approve_form"].non_field_errors()


def test_official_cancels_with_a_reason(client, official, conference):
    client.force_login(official)
    url = reverse("delegations:conference_decide", args=[conference.pk])
    response = client.post(url, {"state": "cancelled", "cancel-reason": ""})
    assert response.status_code == 200
    assert response.context["cancel_form"].errors
    client.post(url, {"state": "cancelled", "cancel-reason": "Đối tác đề nghị lùi thời gian"})
    conference.refresh_from_db()
    assert conference.state == C.CANCELLED
    assert conference.state_reason == "Đối tác đề nghị lùi thời gian"
    assert (
        "Đối tác đề nghị lùi thời gian"
        in client.get(conference.get_absolute_url()).content.decode()
    )


def test_unknown_decision_changes_nothing(client, official, conference):
    client.force_login(official)
    url = reverse("delegations:conference_decide", args=[conference.pk])
    assert client.post(url, {"state": "held"}).status_code == 302
    conference.refresh_from_db()
    assert conference.state == C.PROPOSED


@pytest.mark.parametrize("who", ["reporter", "other_reporter", "leader", "administrator"])
def test_only_officials_decide(client, request, conference, who):
    _login(client, request, who)
    assert _approve(client, conference).status_code == 403
    url = reverse("delegations:conference_decide", args=[conference.pk])
    assert client.post(url, {"state": "cancelled", "cancel-reason": "x"}).status_code == 403
    conference.refresh_from_db()
    assert conference.state == C.PROPOSED


def test_decide_is_post_only(client, official, conference):
    client.force_login(official)
    url = reverse("delegations:conference_decide", args=[conference.pk])
    assert client.get(url).status_code == 405


def test_decision_forms_shown_to_officials_only(client, official, reporter, conference):
    client.force_login(official)
    page = client.get(conference.get_absolute_url()).content.decode()
    assert 'data-testid="approve-form"' in page
    assert 'data-testid="cancel-form"' in page
    client.force_login(reporter)
    page = client.get(conference.get_absolute_url()).content.decode()
    assert 'data-testid="approve-form"' not in page
    assert reverse("delegations:conference_update", args=[conference.pk]) in page


# ---------------------------------------------------------------------------
# Results (report due within 15 days of the closing)
# ---------------------------------------------------------------------------
RESULTS_CASES = [
    ("official", 200),
    ("reporter", 200),
    ("other_reporter", 403),
    ("leader", 403),
    ("administrator", 403),
]


@pytest.mark.parametrize(("who", "status"), RESULTS_CASES)
def test_results_permissions(client, request, closed, who, status):
    _login(client, request, who)
    url = reverse("delegations:conference_results", args=[closed.pk])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {
            "results": "Ký 02 biên bản ghi nhớ",
            "foreign_participants": "35",
            "report_received_on": "19/06/2026",
        },
    )
    closed.refresh_from_db()
    if status == 200:
        assert response["Location"] == closed.get_absolute_url()
        assert closed.state == C.HELD
        assert closed.foreign_participants == 35
        assert closed.report_received_on == date(2026, 6, 19)
    else:
        assert response.status_code == 403
        assert closed.state == C.APPROVED


def test_reporter_cannot_record_results_of_a_proposal(client, reporter, conference):
    client.force_login(reporter)
    url = reverse("delegations:conference_results", args=[conference.pk])
    assert client.get(url).status_code == 403


def test_results_before_closing_are_refused(client, official, conference):
    conference.state = C.APPROVED
    conference.save()
    client.force_login(official)
    url = reverse("delegations:conference_results", args=[conference.pk])
    page = client.get(url)
    assert page.context["closed"] is False
    assert 'data-testid="results-not-yet"' in page.content.decode()
    response = client.post(url, {"results": "x", "foreign_participants": "1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    conference.refresh_from_db()
    assert conference.state == C.APPROVED


def test_report_status_on_list_and_detail(client, official, agency, closed):
    """Closed 11/06 → report due by 26/06: due on 20/06; a conference closed 01/06 is
    overdue (16/06); one whose report arrived is received."""
    overdue = ConferenceFactory(
        organiser=agency, state=C.HELD, start_on=date(2026, 5, 30), end_on=date(2026, 6, 1)
    )
    received = ConferenceFactory(
        organiser=agency,
        state=C.HELD,
        start_on=date(2026, 5, 1),
        end_on=date(2026, 5, 2),
        report_received_on=date(2026, 5, 10),
    )
    client.force_login(official)
    response = client.get(reverse("delegations:conference_list"))
    states = {c.pk: c.report for c in response.context["conferences"]}
    assert (states[closed.pk].status, states[closed.pk].due_on) == ("due", date(2026, 6, 26))
    assert states[closed.pk].results_missing
    assert (states[overdue.pk].status, states[overdue.pk].due_on) == ("overdue", date(2026, 6, 16))
    assert states[received.pk].status == "received"
    page = client.get(overdue.get_absolute_url()).content.decode()
    assert "16/06/2026" in page
    assert 'data-testid="report-status"' in page


# ---------------------------------------------------------------------------
# Annual report: held 15/12 of the previous year → 14/12, due to the Ministry by 18/12
# ---------------------------------------------------------------------------
def _held(agency, start, participants=10, **extra):
    return ConferenceFactory(
        organiser=agency,
        state=C.HELD,
        start_on=start,
        end_on=start,
        foreign_participants=participants,
        results="Thành công",
        **extra,
    )


@pytest.mark.parametrize("who", READERS)
def test_annual_report(client, request, agency, who):
    first = _held(agency, date(2025, 12, 15), 12)
    last = _held(agency, date(2026, 12, 14), 30, format="online")
    _held(agency, date(2025, 12, 14), 99)  # previous year's report
    _held(agency, date(2026, 12, 15), 99)  # next year's report
    ConferenceFactory(
        organiser=agency, state=C.CANCELLED, start_on=date(2026, 3, 1), end_on=date(2026, 3, 1)
    )
    pending = ConferenceFactory(
        organiser=agency, state=C.APPROVED, start_on=date(2026, 3, 2), end_on=date(2026, 3, 2)
    )
    first.partners.set([PartnerFactory(name_vi="Châu Văn Sơn")])
    _login(client, request, who)
    response = client.get(reverse("delegations:conference_annual_report"), {"year": 2026})
    assert response.status_code == 200
    assert response.context["conferences"] == [first, last]
    assert response.context["total"] == 2
    assert response.context["foreign_participants"] == 42
    assert response.context["due_on"] == date(2026, 12, 18)
    assert response.context["is_past"] is False
    assert response.context["unreported"] == [pending]
    page = response.content.decode()
    assert "18/12/2026" in page
    assert "15/12/2025" in page and "14/12/2026" in page
    assert "Châu Văn Sơn" in page


def test_annual_report_defaults_to_this_year_and_shows_past_deadline(client, leader, agency):
    client.force_login(leader)
    url = reverse("delegations:conference_annual_report")
    assert client.get(url).context["year"] == 2026
    response = client.get(url, {"year": 2025})
    assert response.context["due_on"] == date(2025, 12, 18)
    assert response.context["is_past"] is True
    # A bad year falls back to this year with the error shown.
    response = client.get(url, {"year": "1800"})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert response.context["form"].errors


def test_annual_report_query_count_is_fixed(client, official, django_assert_max_num_queries):
    agencies = [AgencyFactory() for _ in range(4)]
    partners = [PartnerFactory() for _ in range(3)]
    for n in range(100):
        _held(agencies[n % 4], date(2026, 1 + n % 6, 1)).partners.set(partners)
    client.force_login(official)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("delegations:conference_annual_report"), {"year": 2026})
    assert response.context["total"] == 100
