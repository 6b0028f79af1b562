"""Officials keep the plans' task-assignment tables: plans, tasks, and deleting a task only
while no progress has been reported on it. Everyone else may read the tasks, not change them."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from accounts.errors import DomainError
from targets.models import Task, TaskPlan, TaskProgress
from targets.services import plan_save, task_delete, task_save
from tests.targets.factories import TaskFactory, TaskPlanFactory, TaskProgressFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.fixture
def plan():
    return TaskPlanFactory(number="15/KH-UBND", title="Kế hoạch đối ngoại năm 2026")


@pytest.fixture
def task(plan, agency):
    """A task led by the reporter's agency (the "owner" of the task)."""
    return TaskFactory(plan=plan, lead_agency=agency, order=1)


def _urls(plan: TaskPlan, task: Task) -> list[tuple[str, str]]:
    return [
        ("get", reverse("targets:plan_list")),
        ("get", reverse("targets:plan_create")),
        ("get", reverse("targets:plan_edit", args=[plan.pk])),
        ("get", reverse("targets:task_create", args=[plan.pk])),
        ("get", reverse("targets:task_edit", args=[task.pk])),
        ("post", reverse("targets:task_delete", args=[task.pk])),
    ]


# ---------------------------------------------------------------------------
# Permissions on every page
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("reporter", 403), ("other_reporter", 403)])
def test_reporters_may_not_manage_even_their_own_agency_tasks(
    client, request, plan, task, who, status
):
    client.force_login(request.getfixturevalue(who))
    for method, url in _urls(plan, task):
        assert getattr(client, method)(url).status_code == status, url
    for url in (reverse("targets:plan_create"), reverse("targets:task_create", args=[plan.pk])):
        assert client.post(url, {"text": "x"}).status_code == status
    assert Task.objects.filter(pk=task.pk).exists()


def test_leaders_read_only(client, leader, plan, task):
    client.force_login(leader)
    for method, url in _urls(plan, task):
        assert getattr(client, method)(url).status_code == 403, url
    assert client.post(reverse("targets:plan_edit", args=[plan.pk]), {}).status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_anonymous_goes_to_login(client, plan, task):
    for method, url in _urls(plan, task):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    assert Task.objects.filter(pk=task.pk).exists()


def test_official_opens_every_page(client, official, plan, task):
    client.force_login(official)
    for _method, url in _urls(plan, task)[:-1]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("targets:task_delete", args=[task.pk])).status_code == 405
    assert client.get(reverse("targets:plan_edit", args=[999999])).status_code == 404
    assert client.get(reverse("targets:task_edit", args=[999999])).status_code == 404


def test_plan_list_shows_every_plan_and_task_in_few_queries(
    client, official, plan, task, other_agency, django_assert_max_num_queries
):
    empty = TaskPlanFactory(number="3/CTr-UBND", title="Chương trình chưa có nhiệm vụ")
    for _index in range(5):
        extra = TaskFactory(plan=plan, lead_agency=other_agency)
        extra.coordinating_agencies.set([task.lead_agency])
        TaskProgressFactory(task=extra)
    client.force_login(official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("targets:plan_list"))
    page = response.content.decode()
    assert task.text in page
    assert empty.title in page
    assert reverse("targets:task_create", args=[empty.pk]) in page


# ---------------------------------------------------------------------------
# Links on the task list
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "shown"),
    [("official", True), ("reporter", False), ("other_reporter", False), ("leader", False)],
)
def test_task_list_links_only_for_officials(client, request, task, who, shown):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("targets:task_list")).content.decode()
    for url in (
        reverse("targets:plan_list"),
        reverse("targets:plan_create"),
        reverse("targets:task_edit", args=[task.pk]),
    ):
        assert (f'href="{url}"' in page) is shown, url
    assert reverse("targets:excel_export", args=["tasks"]) in page


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
PLAN = {
    "kind": "programme",
    "number": "17-CTr/TU",
    "issued_on": "05/01/2026",
    "issuer": "Tỉnh ủy",
    "title": "Chương trình hành động về công tác đối ngoại",
}


def test_official_creates_and_edits_a_plan(client, official):
    client.force_login(official)
    response = client.post(reverse("targets:plan_create"), PLAN)
    plan = TaskPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('targets:plan_list')}#plan-{plan.pk}"
    assert (plan.kind, plan.number, plan.issued_on) == ("programme", "17-CTr/TU", date(2026, 1, 5))
    assert plan.history.get().history_user == official

    edit = reverse("targets:plan_edit", args=[plan.pk])
    assert 'value="05/01/2026"' in client.get(edit).content.decode()
    response = client.post(edit, {**PLAN, "title": "Chương trình số 17 (sửa)"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Chương trình số 17 (sửa)"
    assert TaskPlan.objects.count() == 1


def test_plan_form_errors(client, official, plan):
    client.force_login(official)
    response = client.post(
        reverse("targets:plan_create"), {**PLAN, "issued_on": "2026/13/40", "title": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"issued_on", "title"}
    # The same number from the same issuer: refused, with the field named.
    response = client.post(
        reverse("targets:plan_create"), {**PLAN, "number": plan.number, "issuer": plan.issuer}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert TaskPlan.objects.count() == 1


def test_plan_save_service_rules(official, reporter, plan):
    data = {**PLAN, "issued_on": date(2026, 1, 5)}
    with pytest.raises(DomainError):
        plan_save(user=reporter, data=data)
    with pytest.raises(DomainError) as caught:
        plan_save(user=official, data={**data, "number": plan.number, "issuer": plan.issuer})
    assert set(caught.value.message_dict) == {"number"}
    nfd = unicodedata.normalize("NFD", "  Kế hoạch hợp tác với Lào  ")
    saved = plan_save(user=official, data={**data, "title": nfd})
    assert saved.title == "Kế hoạch hợp tác với Lào"
    assert unicodedata.is_normalized("NFC", saved.title)


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------
def test_official_adds_and_edits_a_task(client, official, plan, task, agency, other_agency):
    client.force_login(official)
    response = client.post(
        reverse("targets:task_create", args=[plan.pk]),
        {
            "text": "Tổ chức hội nghị xúc tiến đầu tư",
            "lead_agency": other_agency.pk,
            "coordinating_agencies": [agency.pk, official.agency_id],
            "deadline": "31/03/2026",
            "deadline_text": "Trong tháng 3/2026",
            "order": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('targets:plan_list')}#plan-{plan.pk}"
    added = plan.tasks.get(text="Tổ chức hội nghị xúc tiến đầu tư")
    assert added.order == task.order + 1  # an empty order puts it last
    assert added.deadline == date(2026, 3, 31)
    assert added.deadline_text == "Trong tháng 3/2026"
    assert added.state == Task.State.NOT_STARTED
    assert set(added.coordinating_agencies.all()) == {agency, official.agency}

    response = client.post(
        reverse("targets:task_edit", args=[added.pk]),
        {
            "text": "Tổ chức hội nghị xúc tiến đầu tư năm 2026",
            "lead_agency": other_agency.pk,
            "coordinating_agencies": [agency.pk],
            "deadline": "",
            "deadline_text": "Hằng năm",
            "order": "1",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.text, added.deadline, added.deadline_text, added.order) == (
        "Tổ chức hội nghị xúc tiến đầu tư năm 2026",
        None,
        "Hằng năm",
        1,
    )
    assert list(added.coordinating_agencies.all()) == [agency]
    assert added.history.first().history_user == official


def test_task_form_errors(client, official, plan, agency):
    client.force_login(official)
    url = reverse("targets:task_create", args=[plan.pk])
    response = client.post(url, {"text": "", "lead_agency": "", "deadline": "32/01/2026"})
    assert set(response.context["form"].errors) == {"text", "lead_agency", "deadline"}
    response = client.post(
        url, {"text": "Nhiệm vụ", "lead_agency": agency.pk, "coordinating_agencies": [agency.pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["coordinating_agencies"] == [
        gettext("The lead agency cannot also be a coordinating agency.")
    ]
    assert not plan.tasks.exists()


def test_task_save_service_rules(official, reporter, plan, task, agency):
    with pytest.raises(DomainError):
        task_save(user=reporter, plan=plan, data={"text": "x", "lead_agency": agency})
    other_plan = TaskPlanFactory()
    with pytest.raises(DomainError):
        task_save(user=official, plan=other_plan, data={"text": "x"}, task=task)
    task.refresh_from_db()
    assert task.plan == plan


def test_official_deletes_a_task_without_progress(client, official, plan, task):
    client.force_login(official)
    page = client.get(reverse("targets:task_edit", args=[task.pk])).content.decode()
    assert 'data-testid="task-delete"' in page
    response = client.post(reverse("targets:task_delete", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('targets:plan_list')}#plan-{plan.pk}"
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_task_with_progress_notes_is_not_deleted(client, official, task):
    TaskProgressFactory(task=task)
    client.force_login(official)
    page = client.get(reverse("targets:task_edit", args=[task.pk])).content.decode()
    assert 'data-testid="task-delete"' not in page
    assert 'data-testid="task-not-deletable"' in page
    response = client.post(reverse("targets:task_delete", args=[task.pk]), follow=True)
    message = gettext(
        "This task cannot be deleted: progress has already been reported on it. "
        "Edit it or mark it done instead."
    )
    assert message in [str(m) for m in response.context["messages"]]
    assert response.redirect_chain[-1][0] == reverse("targets:task_edit", args=[task.pk])
    assert Task.objects.filter(pk=task.pk).exists()
    assert TaskProgress.objects.filter(task=task).count() == 1


def test_task_delete_service_rules(official, reporter, task):
    with pytest.raises(DomainError):
        task_delete(user=reporter, task=task)
    TaskProgressFactory(task=task)
    with pytest.raises(DomainError):
        task_delete(user=official, task=task)
    assert Task.objects.filter(pk=task.pk).exists()
