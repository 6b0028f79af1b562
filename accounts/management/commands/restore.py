from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: checks it against its manifest, "
        "then replaces the database and every file under MEDIA_ROOT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="The archive written by `backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, **options) -> None:
        def log(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(message)

        try:
            with backup.archive_verified(options["archive"], log=log) as archive:
                manifest = archive.manifest
                self.stdout.write(
                    f"{archive.path}: made {manifest['created_at']}, "
                    f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} "
                    f"tables, {len(manifest['files'])} files; every checksum matches."
                )
                if options["interactive"] and not self._confirmed():
                    raise CommandError("Restore cancelled.")
                result = backup.backup_restore(archive=archive, log=log)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.rows} rows in {result.tables} tables and {result.files} "
                f"files in {result.seconds:.2f} s."
            )
        )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))

    def _confirmed(self) -> bool:
        answer = input(
            f"This REPLACES the database {connection.settings_dict['NAME']} and every file "
            f"under {settings.MEDIA_ROOT} with the archive's content.\n"
            "Type 'yes' to continue, or anything else to cancel: "
        )
        return answer.strip() == "yes"
