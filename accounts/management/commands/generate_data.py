"""``manage.py generate_data --scale {tiny,province,national} [--seed N] [--flush]``.

Builds a realistic data set for benchmarks and CI (see accounts/datagen) and prints the
logins (one password for all). ``--json`` prints the summary as JSON instead.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.datagen import DEFAULT_SEED, SCALES, GenerationRefused, generate


class Command(BaseCommand):
    help = (
        "Generate a realistic data set (tiny, province or national scale). Refuses a database "
        "that already has data unless --flush, and production-like settings unless told."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="tiny")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete all domain data (agencies, users, registers, reports) first.",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Generate as of this day (YYYY-MM-DD) instead of today, for identical rows.",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="allow_production",
            help="Run even though DEBUG is off (e.g. a staging copy).",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, **options) -> None:
        def log(message: str) -> None:
            if options["verbosity"] > 1 and not options["json"]:
                self.stdout.write(message)

        try:
            summary = generate(
                options["scale"],
                options["seed"],
                flush=options["flush"],
                allow_production=options["allow_production"],
                today=options["today"],
                log=log,
            )
        except GenerationRefused as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated the {summary['scale']} data set (seed {summary['seed']}, as of "
                f"{summary['today']}, {summary['database']}): {summary['rows']:,} rows in "
                f"{summary['seconds']:.1f} s, peak memory {summary['peak_memory_mb']:.0f} MB."
            )
        )
        if options["verbosity"] > 1:
            for label, count in summary["counts"].items():
                self.stdout.write(f"  {label:<48} {count:>12,}")
        self.stdout.write("Logins (password for all):")
        self.stdout.write(f"  password: {summary['password']}")
        for login in summary["logins"]:
            self.stdout.write(f"  {login['username']:<20} {login['role']:<9} ({login['agency']})")
        self.stdout.write(
            "  …and every agency's reporter and head: baocao.<agency>, giamdoc.<agency> "
            "(chutich.<commune>)."
        )
