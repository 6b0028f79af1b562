"""Overdue tasks: the daily digest's source and the badge of the task list."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as project_settings
from django.core import mail
from django.urls import reverse

from accounts import digest
from targets.alerts import digest_items, overdue_list_url, overdue_tasks
from targets.models import Task, TaskPlan

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2026, 3, 31)  # "within March 2026"


def _at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


@pytest.fixture
def plan():
    return TaskPlan.objects.create(
        kind=TaskPlan.Kind.PLAN,
        number="KH-UBND/2026",
        issued_on=date(2026, 2, 10),
        issuer="UBND tỉnh",
        title="Kế hoạch công tác đối ngoại năm 2026",
    )


def _task(plan, agency, text, deadline=DEADLINE, state=Task.State.IN_PROGRESS) -> Task:
    return Task.objects.create(
        plan=plan,
        lead_agency=agency,
        text=text,
        deadline=deadline,
        deadline_text="Trong tháng 03/2026" if deadline else "Thường xuyên",
        state=state,
    )


@pytest.fixture
def tasks(plan, agency, other_agency):
    """SVHTTDL leads a late task, a done one and an undated one; SCT leads a late task."""
    return {
        "mine": _task(plan, agency, "Ban hành kế hoạch tuyên truyền đối ngoại"),
        "done": _task(plan, agency, "Tổng kết năm 2025", state=Task.State.DONE),
        "undated": _task(plan, agency, "Tuyên truyền thường xuyên", deadline=None),
        "theirs": _task(plan, other_agency, "Xúc tiến thương mại", deadline=date(2026, 4, 15)),
    }


def test_the_deadline_day_itself_is_not_overdue(official, tasks):
    with time_machine.travel(_at(DEADLINE, hour=23), tick=False):
        assert digest_items(official, DEADLINE) == []
    with time_machine.travel(_at(date(2026, 4, 1), hour=0), tick=False):
        (item,) = digest_items(official, date(2026, 4, 1))
    assert item.url == reverse("targets:task_progress", args=[tasks["mine"].pk])
    assert item.due_on == DEADLINE
    assert item.severity == "danger"
    assert "31/03/2026" in item.detail
    assert "KH-UBND/2026" in item.detail
    assert item.title == "Ban hành kế hoạch tuyên truyền đối ngoại (SVHTTDL)"


def test_done_and_undated_tasks_are_never_overdue(official, tasks):
    today = date(2026, 12, 31)
    with time_machine.travel(_at(today), tick=False):
        listed = {item.url for item in digest_items(official, today)}
    assert listed == {
        reverse("targets:task_progress", args=[tasks[key].pk]) for key in ("mine", "theirs")
    }


def test_officials_see_every_agency_reporters_their_own(
    official, reporter, other_reporter, leader, tasks
):
    today = date(2026, 5, 1)
    with time_machine.travel(_at(today), tick=False):
        by_user = {
            user.username: [item.url for item in digest_items(user, today)]
            for user in (official, reporter, other_reporter, leader)
        }
    url = {key: reverse("targets:task_progress", args=[task.pk]) for key, task in tasks.items()}
    # Oldest deadline first.
    assert by_user["official"] == [url["mine"], url["theirs"]]
    assert by_user["reporter"] == [url["mine"]]
    assert by_user["other_reporter"] == [url["theirs"]]
    assert by_user["leader"] == []  # leaders get no digest items: they chase no one


def test_coordinating_agency_is_not_chased(plan, agency, other_agency, other_reporter):
    task = _task(plan, agency, "Phối hợp tổ chức hội nghị")
    task.coordinating_agencies.add(other_agency)
    assert digest_items(other_reporter, date(2026, 4, 1)) == []


def test_registered_as_a_digest_source():
    assert "targets.alerts.digest_items" in project_settings.DIGEST_SOURCES


def test_overdue_tasks_in_the_daily_email(settings, reporter, other_reporter, tasks):
    settings.DIGEST_SOURCES = ["targets.alerts.digest_items"]
    reporter.email = "baocao@svhttdl.example"
    reporter.save()
    other_reporter.email = "baocao@sct.example"
    other_reporter.save()
    today = date(2026, 4, 1)
    with time_machine.travel(_at(today, hour=6), tick=False):
        assert digest.digest_send(user=reporter, today=today) is not None
        assert digest.digest_send(user=other_reporter, today=today) is None  # SCT's is not late
    (message,) = mail.outbox
    assert "Ban hành kế hoạch tuyên truyền đối ngoại (SVHTTDL)" in message.body
    assert reverse("targets:task_progress", args=[tasks["mine"].pk]) in message.body
    assert "Xúc tiến thương mại" not in message.body


def _badge(content: str) -> str | None:
    marker = 'data-testid="overdue-count">'
    if marker not in content:
        return None
    return content.split(marker, 1)[1].split("</a>", 1)[0].strip()


@pytest.mark.parametrize(
    ("who", "day", "count"),
    [
        ("official", DEADLINE, None),
        ("official", date(2026, 4, 1), "1"),
        ("official", date(2026, 4, 16), "2"),
        ("reporter", DEADLINE, None),
        ("reporter", date(2026, 4, 1), "1"),
        ("reporter", date(2026, 4, 16), "1"),
        ("other_reporter", date(2026, 4, 1), None),
        ("other_reporter", date(2026, 4, 16), "1"),
        ("leader", date(2026, 4, 16), None),
    ],
)
def test_task_list_badge_counts_the_users_overdue_tasks(client, request, tasks, who, day, count):
    client.force_login(request.getfixturevalue(who))
    with time_machine.travel(_at(day), tick=False):
        response = client.get(reverse("targets:task_list"))
    assert response.status_code == 200
    badge = _badge(response.content.decode())
    assert (badge.split()[0] if badge else None) == count


def test_the_day_turns_at_midnight_in_vietnam(client, reporter, tasks):
    """At 00:01 on 1 April in Hà Nội it is still 31 March in UTC: the task is late already."""
    client.force_login(reporter)
    url = reverse("targets:task_list")
    with time_machine.travel(datetime(2026, 3, 31, 23, 59, tzinfo=TZ), tick=False):
        assert _badge(client.get(url).content.decode()) is None
    with time_machine.travel(datetime(2026, 4, 1, 0, 1, tzinfo=TZ), tick=False):
        assert _badge(client.get(url).content.decode()).startswith("1")


def test_task_list_filtered_to_overdue_tasks(client, reporter, tasks):
    client.force_login(reporter)
    url = overdue_list_url(reporter)
    assert url == reverse("targets:task_list") + "?overdue=1&mine=1"
    with time_machine.travel(_at(date(2026, 4, 16)), tick=False):
        response = client.get(url)
        everything = client.get(reverse("targets:task_list"))
    assert [task for task, _overdue, _can in response.context["rows"]] == [tasks["mine"]]
    assert f'href="{url.replace("&", "&amp;")}"' in response.content.decode()
    assert len(everything.context["rows"]) == 4


def test_task_list_query_count_with_overdue_badge(
    client, official, plan, agency, django_assert_max_num_queries
):
    for n in range(30):
        _task(plan, agency, f"Nhiệm vụ {n}")
    client.force_login(official)
    with (
        time_machine.travel(_at(date(2026, 4, 1)), tick=False),
        django_assert_max_num_queries(8),
    ):
        response = client.get(reverse("targets:task_list"))
    assert _badge(response.content.decode()).startswith("30")


def test_overdue_tasks_scope_for_other_roles(administrator, tasks):
    assert not overdue_tasks(administrator, date(2026, 12, 31)).exists()
