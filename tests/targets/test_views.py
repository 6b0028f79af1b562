from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import Measurement, Target
from targets.services import computed_values_forget

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("load_demo", stdout=StringIO())
    return Target.objects.all()


@pytest.mark.parametrize(
    "who", ["official", "reporter", "other_reporter", "leader", "administrator"]
)
def test_overview_and_detail_for_every_role(client, request, catalogue, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("targets:overview"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chỉ số đánh giá kết quả thực hiện các Hiệp định thương mại tự do" in content
    target = catalogue.get(code="2.1")
    assert client.get(target.get_absolute_url()).status_code == 200


def test_targets_anonymous(client, catalogue):
    for url in (reverse("targets:overview"), catalogue.first().get_absolute_url()):
        assert client.get(url)["Location"].startswith("/accounts/login/")


# Session (read and saved: 3), user, targets, measurements, the computed figures: 8 at most
# (the figures are then kept a while; the session is not saved on every request).
OVERVIEW_QUERIES = 8


def _more_records(count: int) -> None:
    """Records each computed figure counts, so that a query per record would show."""
    from agreements.models import Review
    from reports.periods import current_period
    from tests.factories import AgreementFactory, PartnerFactory

    today = date.today()
    for n in range(count):
        PartnerFactory(relation_established_on=date(today.year, 1, 1))
        agreement = AgreementFactory(kind="programme", signed_on=date(today.year, 1, 1))
        period = current_period(today)
        Review.objects.create(
            agreement=agreement,
            period_year=period.year,
            period_kind=period.kind,
            reviewed_on=today,
            agency=agreement.lead_agency,
            overall="on_track",
            achievements=f"Đã làm {n}",
        )


@pytest.mark.parametrize("who", ["official", "reporter", "leader", "administrator"])
def test_overview_queries_do_not_grow_with_the_data(
    client, request, catalogue, who, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    client.get(reverse("targets:overview"))  # the session's first save is behind us
    computed_values_forget()  # counted again, as on a cold cache
    with (
        django_assert_max_num_queries(OVERVIEW_QUERIES),
        CaptureQueriesContext(connection) as few,
    ):
        small = client.get(reverse("targets:overview"))
    for target in catalogue.filter(source="entered"):
        for year in range(2026, 2031):
            for kind in ("semiannual", "annual"):
                Measurement.objects.update_or_create(
                    target=target, period_year=year, period_kind=kind, defaults={"value": 1}
                )
    _more_records(6)
    computed_values_forget()
    with (
        django_assert_max_num_queries(OVERVIEW_QUERIES),
        CaptureQueriesContext(connection) as many,
    ):
        large = client.get(reverse("targets:overview"))
    assert small.status_code == large.status_code == 200
    assert len(many) == len(few)
    # The new records are counted at once: saving them forgot the figures kept.
    assert small.context["groups"] != large.context["groups"]
    figures = {s.target.computed: s.latest for _l, rows in large.context["groups"] for s in rows}
    assert figures["new_partners"].value == 6


@pytest.mark.parametrize(("who", "shown"), [("official", True), ("reporter", False)])
def test_overview_import_button(client, request, catalogue, agency, who, shown):
    """A reporter sees it only when their agency owns a target entered by hand."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("targets:overview")
    catalogue.filter(owner_agency=agency).update(owner_agency=catalogue.first().owner_agency)
    assert ('data-testid="measurements-import"' in client.get(url).content.decode()) is shown
    catalogue.filter(pk=catalogue.filter(source="entered").first().pk).update(owner_agency=agency)
    assert 'data-testid="measurements-import"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner_reporter", 200), ("official", 200), ("other_reporter", 403), ("leader", 403)],
)
def test_measurement_entry_permissions(client, request, catalogue, agency, who, status):
    from tests.factories import UserFactory

    target = catalogue.get(code="4.1")  # owned by SVHTTDL
    user = (
        UserFactory(agency=target.owner_agency)
        if who == "owner_reporter"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    url = reverse("targets:measurement_enter", args=[target.pk])
    assert client.get(url).status_code == status


def test_owner_enters_a_value_with_evidence(client, catalogue):
    import time_machine

    from tests.factories import UserFactory

    target = catalogue.get(code="4.1")
    client.force_login(UserFactory(agency=target.owner_agency))
    with time_machine.travel("2026-07-01"):
        response = client.post(
            reverse("targets:measurement_enter", args=[target.pk]),
            {"period": "2026-annual", "value": "11,5", "evidence": "Thống kê của Sở"},
        )
    assert response.status_code == 302
    assert Measurement.objects.get(target=target, period_year=2026, period_kind="annual").value == (
        __import__("decimal").Decimal("11.5")
    )


def test_computed_target_has_no_entry(client, official, catalogue):
    target = catalogue.get(code="3.2")
    client.force_login(official)
    url = reverse("targets:measurement_enter", args=[target.pk])
    assert client.get(url).status_code == 403


def test_measurement_entry_anonymous(client, catalogue):
    url = reverse("targets:measurement_enter", args=[catalogue.first().pk])
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_seeded_tasks_of_the_2026_plan(catalogue):
    from targets.models import Task

    assert Task.objects.count() == 8
    assert Task.objects.filter(deadline_text="Trong tháng 03/2026").exists()


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("official", 200), ("other_reporter", 403), ("leader", 403)]
)
def test_task_progress_permissions(client, request, catalogue, who, status):
    from targets.models import Task
    from tests.factories import UserFactory

    task = Task.objects.get(lead_agency__short_name="SVHTTDL")
    user = UserFactory(agency=task.lead_agency) if who == "owner" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("targets:task_progress", args=[task.pk])).status_code == status


def test_reporter_reports_task_progress(client, catalogue, django_assert_max_num_queries):
    from targets.models import Task
    from tests.factories import UserFactory

    task = Task.objects.get(lead_agency__short_name="SVHTTDL")
    client.force_login(UserFactory(agency=task.lead_agency))
    response = client.post(
        reverse("targets:task_progress", args=[task.pk]),
        {"state": "in_progress", "noted_on": "01/03/2026", "note": "Đã dự thảo kế hoạch"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "in_progress"
    assert task.progress.get().note == "Đã dự thảo kế hoạch"
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("targets:task_list"))
    assert listing.status_code == 200


def test_task_overdue():
    from datetime import date

    from targets.models import Task

    task = Task(deadline=date(2026, 3, 31), state="in_progress")
    assert task.is_overdue(date(2026, 4, 1))
    assert not task.is_overdue(date(2026, 3, 31))
    task.state = "done"
    assert not task.is_overdue(date(2026, 4, 1))


def test_task_pages_anonymous(client, catalogue):
    assert client.get(reverse("targets:task_list"))["Location"].startswith("/accounts/login/")
