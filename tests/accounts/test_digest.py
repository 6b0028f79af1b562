"""The daily e-mail digest: content, recipients, once per user and day, the beat job."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from smtplib import SMTPServerDisconnected
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from accounts import digest, tasks
from accounts.digest import DigestItem
from accounts.models import DigestLog
from agreements.models import Agreement, LegalNotice, Output
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 6, 15)


def make_agreement(lead, number: str, **fields) -> Agreement:
    values = {
        "kind": Agreement.Kind.MOU,
        "number": number,
        "title_vi": f"Biên bản ghi nhớ {number}",
        "signing_level": Agreement.SigningLevel.DEPARTMENT,
        "objectives": "Hợp tác văn hóa, du lịch.",
        "signed_on": date(2024, 1, 10),
        "effective_on": date(2024, 1, 10),
        "state": Agreement.State.IN_FORCE,
        **fields,
    }
    return Agreement.objects.create(lead_agency=lead, **values)


@pytest.fixture
def users(official, reporter, other_reporter, leader):
    for user, address in (
        (official, "chuyenvien@sngv.example"),
        (reporter, "baocao@svhttdl.example"),
        (other_reporter, "baocao@sct.example"),
        (leader, "lanhdao@ubnd.example"),
    ):
        user.email = address
        user.save()
    return {"official": official, "reporter": reporter, "other": other_reporter, "leader": leader}


@pytest.fixture
def registry(agency, other_agency):
    """On 15/06/2026: SVHTTDL leads one agreement ending in 20 days with a late output and an
    overdue signing report; SCT is not concerned."""
    mine = make_agreement(
        agency,
        "01/BB-SVHTTDL",
        title_vi="Biên bản ghi nhớ với Anseong & Imsil",
        end_on=TODAY + timedelta(days=20),
    )
    Output.objects.create(
        agreement=mine,
        description="Lễ hội văn hóa chung",
        due_on=TODAY - timedelta(days=2),
        responsible_agency=agency,
    )
    LegalNotice.objects.create(
        agreement=mine, kind=LegalNotice.Kind.SIGNING_REPORT, due_on=TODAY - timedelta(days=1)
    )
    return {"mine": mine}


def test_digest_content_in_vietnamese_with_links(users, registry, settings):
    settings.PORTAL = {**settings.PORTAL, "BASE_URL": "https://ngoaivu.example.gov.vn/"}
    reporter = users["reporter"]

    log = digest.digest_send(user=reporter, today=TODAY)

    assert log is not None
    [message] = mail.outbox
    # Expiring, review overdue (no review for the 6-month 2026 period), output, notice.
    assert log.item_count == 4
    assert message.subject == "[Sở Ngoại vụ] Bản tin nhắc việc ngày 15/06/2026: 4 việc cần xử lý"
    assert message.to == ["baocao@svhttdl.example"]
    body = message.body
    assert "Kính gửi" in body
    assert "Tính đến ngày 15/06/2026, có 4 việc cần xử lý:" in body
    assert "01/BB-SVHTTDL · Biên bản ghi nhớ với Anseong & Imsil" in body
    assert "Hết hiệu lực ngày 05/07/2026, còn 20 ngày." in body
    assert "Sản phẩm đầu ra “Lễ hội văn hóa chung” đến hạn ngày 13/06/2026" in body
    assert f"https://ngoaivu.example.gov.vn/agreements/{registry['mine'].pk}/" in body
    # Late things first: the overdue notice heads the list, the expiring agreement follows.
    assert body.index("QUÁ HẠN BÁO CÁO") < body.index("SẮP HẾT HIỆU LỰC")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert (
        f'<a href="https://ngoaivu.example.gov.vn/agreements/{registry["mine"].pk}/#output-' in html
    )
    assert "Quá hạn đánh giá định kỳ" in html
    assert "Anseong &amp; Imsil" in html


def test_official_gets_everything_other_agencies_only_their_own(users, registry, other_agency):
    theirs = make_agreement(other_agency, "02/BB-SCT", end_on=TODAY + timedelta(days=70))

    digest.digest_send(user=users["official"], today=TODAY)
    digest.digest_send(user=users["other"], today=TODAY)
    digest.digest_send(user=users["reporter"], today=TODAY)

    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    official_body = by_recipient["chuyenvien@sngv.example"]
    assert "01/BB-SVHTTDL" in official_body and "02/BB-SCT" in official_body
    assert "02/BB-SCT" in by_recipient["baocao@sct.example"]
    assert "01/BB-SVHTTDL" not in by_recipient["baocao@sct.example"]
    assert "02/BB-SCT" not in by_recipient["baocao@svhttdl.example"]
    assert theirs.pk


def test_no_digest_when_nothing_to_do(users, other_agency):
    assert digest.digest_send(user=users["other"], today=TODAY) is None
    assert mail.outbox == []
    assert not DigestLog.objects.exists()


def test_leaders_get_no_digest_and_are_not_recipients(users, registry):
    assert digest.digest_send(user=users["leader"], today=TODAY) is None
    assert mail.outbox == []
    assert users["leader"] not in digest.recipients()


def test_at_most_one_digest_per_user_and_day(users, registry):
    reporter = users["reporter"]
    assert digest.digest_send(user=reporter, today=TODAY) is not None
    assert digest.digest_send(user=reporter, today=TODAY) is None
    assert len(mail.outbox) == 1
    assert digest.digest_send(user=reporter, today=TODAY + timedelta(days=1)) is not None
    assert len(mail.outbox) == 2
    assert list(DigestLog.objects.order_by("sent_on").values_list("sent_on", flat=True)) == [
        TODAY,
        TODAY + timedelta(days=1),
    ]


def test_a_failed_send_leaves_no_log_so_the_retry_sends(users, registry, monkeypatch):
    reporter = users["reporter"]
    original = EmailMultiAlternatives.send

    def broken(self, fail_silently=False):
        raise SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(SMTPServerDisconnected):
        digest.digest_send(user=reporter, today=TODAY)
    assert not DigestLog.objects.exists()

    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert digest.digest_send(user=reporter, today=TODAY) is not None
    assert len(mail.outbox) == 1


def test_recipients_are_active_officials_and_reporters_with_an_address(users, agency):
    inactive = UserFactory(agency=agency, email="nghi@svhttdl.example", is_active=False)
    no_address = UserFactory(agency=agency, email="")
    closed = UserFactory(
        agency=AgencyFactory(is_active=False, short_name="CU"), email="cu@example.vn"
    )

    recipients = set(digest.recipients())

    assert recipients == {users["official"], users["reporter"], users["other"]}
    assert {inactive, no_address, closed}.isdisjoint(recipients)


def test_beat_job_queues_one_task_per_user_and_duplicates_send_once(users, registry, monkeypatch):
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.send_digest, "delay", lambda *args: queued.append(args))

    with time_machine.travel(datetime(2026, 6, 15, 6, 30, tzinfo=TZ), tick=False):
        assert tasks.send_daily_digests() == 3
    day = "2026-06-15"
    assert sorted(queued) == sorted(
        (users[key].pk, day) for key in ("official", "reporter", "other")
    )

    # Every task delivered twice (a duplicate, a retry): still one message each.
    for args in queued + queued:
        tasks.send_digest(*args)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "baocao@svhttdl.example",
        "chuyenvien@sngv.example",
    ]  # SCT has nothing to do that day

    # Run again the same day: users who already had their digest are not queued again.
    queued.clear()
    with time_machine.travel(datetime(2026, 6, 15, 9, 0, tzinfo=TZ), tick=False):
        assert tasks.send_daily_digests() == 1
    assert queued == [(users["other"].pk, day)]


def test_send_digest_ignores_deactivated_users(users, registry):
    reporter = users["reporter"]
    reporter.is_active = False
    reporter.save()
    assert tasks.send_digest(reporter.pk, "2026-06-15") is False
    assert tasks.send_digest(999999, "2026-06-15") is False
    assert mail.outbox == []


def _late_paper(user, today):
    return [
        DigestItem(
            section="Báo cáo 6 tháng chưa nộp",
            title="Báo cáo 6 tháng năm 2026",
            detail=f"Hạn nộp {today:%d/%m/%Y}",
            url="/reports/1/",
            order=-1,
        )
    ]


def test_sources_are_pluggable_from_settings(users, registry, settings):
    settings.DIGEST_SOURCES = [
        "agreements.alerts.digest_items",
        "tests.accounts.test_digest._late_paper",
    ]
    digest.digest_send(user=users["reporter"], today=TODAY)
    [message] = mail.outbox
    assert message.subject.endswith(": 5 việc cần xử lý")
    assert message.body.index("BÁO CÁO 6 THÁNG CHƯA NỘP") < message.body.index("SẮP HẾT HIỆU LỰC")

    mail.outbox.clear()
    settings.DIGEST_SOURCES = ["tests.accounts.test_digest._late_paper"]
    digest.digest_send(user=users["leader"], today=TODAY)
    assert "Hạn nộp 15/06/2026" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_for_one_user_send_once(users, registry):
    """Two workers picking up the same task at the same moment: the unique log row lets only
    one of them send."""
    reporter = users["reporter"]
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(digest.digest_send(user=reporter, today=TODAY))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert len(mail.outbox) == 1
    assert DigestLog.objects.filter(user=reporter, sent_on=TODAY).count() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_send_digest_runs_in_a_real_worker(users, registry, celery_worker_process):
    from tests.config.test_celery import _client

    worker, env = celery_worker_process()
    client = _client("", Path(env["PORTAL_VAR_DIR"]))
    reporter = users["reporter"]
    try:
        first = client.send_task(
            "accounts.tasks.send_digest", args=[reporter.pk, "2026-06-15"], queue=worker.queue
        )
        assert first.get(timeout=60) is True
        again = client.send_task(
            "accounts.tasks.send_digest", args=[reporter.pk, "2026-06-15"], queue=worker.queue
        )
        assert again.get(timeout=60) is False
    finally:
        client.close()
    assert DigestLog.objects.get(user=reporter).item_count == 4


def test_long_sections_are_cut_with_a_link_to_the_alerts_page(users, agency, settings):
    settings.PORTAL = {**settings.PORTAL, "BASE_URL": "https://ngoaivu.example.gov.vn"}
    for i in range(digest.MAX_PER_SECTION + 3):
        make_agreement(agency, f"{i:02d}/KH-HT")  # never reviewed: overdue

    digest.digest_send(user=users["official"], today=TODAY)

    [message] = mail.outbox
    count = digest.MAX_PER_SECTION + 3
    assert message.subject.endswith(f": {count} việc cần xử lý")
    assert f"QUÁ HẠN ĐÁNH GIÁ ĐỊNH KỲ ({count})" in message.body
    assert message.body.count("#reviews") == digest.MAX_PER_SECTION
    more = "https://ngoaivu.example.gov.vn/agreements/alerts/?kind=review_overdue"
    assert f"… và 3 việc khác: {more}" in message.body
    assert f'<a href="{more}">… và 3 việc khác</a>' in message.alternatives[0][0]
