"""The target detail page: its chart, and the records a computed figure counts."""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from targets.models import Measurement, Target
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

FROZEN = datetime(2026, 9, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# Session (read and saved), user, target, measurements, the computed figure, the list's counts
# and its rows: 10, with room to spare. The point is that it is one bound for 3 records and 30.
MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _target(owner, computed="", **extra) -> Target:
    return Target.objects.create(
        code=extra.pop("code", "4.6"),
        text_vi="Mở rộng quan hệ hợp tác với 05 - 10 đối tác mới",
        group="relations",
        unit=extra.pop("unit", "đối tác"),
        kind=extra.pop("kind", "cumulative"),
        target_min=Decimal(5),
        target_max=Decimal(10),
        owner_agency=owner,
        source="computed" if computed else "entered",
        computed=computed,
        **extra,
    )


def _svg(content: str) -> ET.Element:
    (svg,) = re.findall(r"<svg .*?</svg>", content, flags=re.S)
    return ET.fromstring(svg)


def _records(content: str) -> list[str]:
    """The links of the computed-records list, in order."""
    (block,) = re.findall(r'data-testid="computed-records">(.*?)</ul>', content, flags=re.S)
    return re.findall(r'href="([^"]+)"', block)


@pytest.mark.parametrize("who", ["official", "reporter", "other_reporter", "leader"])
def test_detail_page_shows_the_chart(client, request, owner_agency, who):
    target = _target(owner_agency, unit="<script>alert(1)</script>")
    for year, kind, value in [(2026, "semiannual", "2"), (2025, "annual", "1")]:
        Measurement.objects.create(
            target=target, period_year=year, period_kind=kind, value=Decimal(value)
        )
    client.force_login(request.getfixturevalue(who))
    response = client.get(target.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    svg = _svg(content)
    points = [e for e in svg.iter() if e.get("class") == "point"]
    assert len(points) == 2
    assert "<script>" not in content  # the unit, in the chart as elsewhere, is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert not [e for e in svg.iter() if "style" in e.attrib]
    assert 'data-testid="computed-records"' not in content  # an entered target


def test_milestone_detail_page_shows_the_indicator(client, official, owner_agency):
    target = _target(owner_agency, kind="milestone", unit="hoàn thành")
    client.force_login(official)
    svg = _svg(client.get(target.get_absolute_url()).content.decode())
    assert [e for e in svg.iter() if e.get("class") == "milestone-pending"]


def test_new_partners_are_listed_with_links(client, leader, owner_agency):
    target = _target(owner_agency, computed="new_partners")
    old = PartnerFactory(name_vi="Tỉnh Luang Prabang", relation_established_on=date(2025, 5, 1))
    first = PartnerFactory(name_vi="Tỉnh Chungcheong", relation_established_on=date(2026, 3, 2))
    last = PartnerFactory(name_vi="Quận Gangnam", relation_established_on=date(2026, 8, 20))
    client.force_login(leader)
    content = client.get(target.get_absolute_url()).content.decode()
    # Newest first; the partner of 2025 is not counted.
    assert _records(content) == [last.get_absolute_url(), first.get_absolute_url()]
    assert old.get_absolute_url() not in _records(content)
    assert "Quận Gangnam" in content
    assert "20/08/2026" in content
    # The chart shows today's computed figure.
    assert len([e for e in _svg(content).iter() if e.get("class") == "point"]) == 1


@pytest.fixture
def programmes(agency, other_agency):
    """Public programmes of a third agency, plus an internal one of each reporter's agency."""
    public = AgreementFactory(kind="programme", signed_on=date(2026, 2, 1))
    mine = AgreementFactory(
        kind="project", signed_on=date(2026, 4, 1), lead_agency=agency, internal=True
    )
    theirs = AgreementFactory(
        kind="programme", signed_on=date(2026, 5, 1), lead_agency=other_agency, internal=True
    )
    AgreementFactory(kind="programme", signed_on=date(2025, 5, 1))  # before 2026
    AgreementFactory(kind="mou", signed_on=date(2026, 5, 1))  # not a programme
    return {"public": public, "mine": mine, "theirs": theirs}


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("official", ["theirs", "mine", "public"], 0),
        ("leader", ["theirs", "mine", "public"], 0),
        ("reporter", ["mine", "public"], 1),
        ("other_reporter", ["theirs", "public"], 1),
    ],
)
def test_programmes_are_limited_to_what_the_user_may_see(
    client, request, owner_agency, programmes, who, visible, hidden
):
    target = _target(owner_agency, computed="new_programmes")
    client.force_login(request.getfixturevalue(who))
    content = client.get(target.get_absolute_url()).content.decode()
    assert _records(content) == [programmes[key].get_absolute_url() for key in visible]
    assert ('data-testid="hidden-records"' in content) == bool(hidden)
    # The figure counts them all, whoever looks.
    (point,) = [e for e in _svg(content).iter() if e.get("class") == "point"]
    assert point.find("{http://www.w3.org/2000/svg}title").text.endswith(": 3 đối tác")


def test_long_lists_are_cut_short(client, official, owner_agency, monkeypatch):
    from targets import services

    monkeypatch.setattr(services, "RECORD_LIST_LIMIT", 5)
    target = _target(owner_agency, computed="new_partners")
    for day in range(1, 8):
        PartnerFactory(relation_established_on=date(2026, 6, day))
    client.force_login(official)
    response = client.get(target.get_absolute_url())
    assert len(_records(response.content.decode())) == 5
    records = response.context["records"]
    assert (records.total, records.more, records.hidden) == (7, 2, 0)


def _make(computation: str, count: int, agency, other_agency) -> None:
    for n in range(count):
        if computation == "new_partners":
            PartnerFactory(relation_established_on=date(2026, 1 + n % 8, 1 + n % 28))
        else:
            AgreementFactory(
                kind="programme",
                signed_on=date(2026, 1 + n % 8, 1 + n % 28),
                lead_agency=(agency, other_agency)[n % 2],
                is_public=n % 3 == 0,
            )


@pytest.mark.parametrize("computation", ["new_partners", "new_programmes"])
@pytest.mark.parametrize("who", ["official", "reporter"])
def test_records_list_in_a_fixed_number_of_queries(
    client,
    request,
    owner_agency,
    agency,
    other_agency,
    computation,
    who,
    django_assert_max_num_queries,
):
    target = _target(owner_agency, computed=computation)
    client.force_login(request.getfixturevalue(who))
    url = target.get_absolute_url()

    client.get(url)  # the session's first save is behind us
    _make(computation, 3, agency, other_agency)  # which forgets the figures and lists kept
    with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as few:
        small = client.get(url).content.decode()

    _make(computation, 27, agency, other_agency)
    with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as many:
        large = client.get(url).content.decode()

    assert len(many) == len(few)
    assert len(_records(large)) > len(_records(small)) > 0
