"""Benchmark: accent-insensitive agreement search at 100,000 agreements.

Not collected by pytest. Run against a scratch database, e.g.:

    createdb -h 127.0.0.1 -U postgres bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python tests/agreements/bench_search.py

It migrates, fills the table once (bulk inserts), then prints p50/p95 of the search the
portal runs (first page of results plus the count) for a few queries.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Agency  # noqa: E402
from accounts.text import fold  # noqa: E402
from agreements.models import Agreement  # noqa: E402
from partners.models import Partner  # noqa: E402

N = int(os.environ.get("BENCH_AGREEMENTS", "100000"))
PLACES = [
    "Xiêng Khoảng",
    "Vân Nam",
    "Quảng Tây",
    "Phông-Sa-Lỳ",
    "Anseong",
    "Đồng Văn",
    "Hà Giang",
    "Moriya",
    "Hessen",
    "Benguet",
    "Imsil",
    "Boeun",
]
THEMES = [
    "giáo dục",
    "du lịch",
    "nông nghiệp",
    "y tế",
    "đại học",
    "thương mại",
    "văn hóa",
    "lao động",
    "môi trường",
    "biên giới",
]


def fill() -> None:
    call_command("migrate", verbosity=0)
    have = Agreement.objects.count()
    if have >= N:
        return
    agency, _ = Agency.objects.get_or_create(short_name="BENCH", defaults={"name": "Bench"})
    _partner, _ = Partner.objects.get_or_create(
        name_vi="Tỉnh Bench", country="LA", defaults={"kind": "province_state"}
    )
    batch = []
    for i in range(have, N):
        title = (
            f"Bản ghi nhớ hợp tác {THEMES[i % len(THEMES)]} với "
            f"{PLACES[(i // 7) % len(PLACES)]} số {i}"
        )
        number = f"{i:06d}/BGN"
        batch.append(
            Agreement(
                kind="mou",
                number=number,
                title_vi=title,
                signing_level="department",
                state="in_force" if i % 3 else "expired",
                signed_on=date(2006, 1, 1) + timedelta(days=i % 7000),
                lead_agency=agency,
                objectives="…",
                search_text=fold(f"{number} {title}"),
            )
        )
        if len(batch) == 5000:
            Agreement.objects.bulk_create(batch)
            batch = []
    Agreement.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE agreements_agreement")


def bench(query: str, runs: int = 50) -> tuple[float, float, int]:
    times = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        qs = Agreement.objects.search(query)
        list(qs.order_by("-signed_on")[:50])
        count = qs.count()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times)) - 1], count


if __name__ == "__main__":
    fill()
    print(f"{connection.vendor}, {Agreement.objects.count():,} agreements")
    print(f"{'query':<28}{'p50 ms':>10}{'p95 ms':>10}{'matches':>10}")
    for query in ["xieng khoang", "DAI HOC", "dong van", "000123/BGN", "phong-sa-ly giao duc"]:
        p50, p95, count = bench(query)
        print(f"{query:<28}{p50:>10.1f}{p95:>10.1f}{count:>10,}")
