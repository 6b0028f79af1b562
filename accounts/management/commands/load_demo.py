from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, logins

# Each app that has demo records provides ``<app>.demo.load(log)``; order matters
# (agreements need partners and agencies). Later capabilities append their app here.
DEMO_MODULES = [
    "accounts.demo",
    "partners.demo",
    "agreements.demo",
    "delegations.demo",
    "targets.demo",
    "reports.demo",
]


class Command(BaseCommand):
    help = "Load the demo agencies, users and partners. Safe to run again: it changes nothing."

    def handle(self, *args, **options) -> None:
        def log(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(message)

        with transaction.atomic():
            for module in DEMO_MODULES:
                import_module(module).load(log)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for role, username, agency in logins():
            self.stdout.write(f"  {username:<16} {role} ({agency})")
