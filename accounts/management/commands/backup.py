from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump or SQLite's backup API) and every file under "
        "MEDIA_ROOT into one tar archive with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="Archive to write (default: portal-backup-<date>-<time>.tar in the current "
            "folder; a name ending in .gz is gzip-compressed).",
        )

    def handle(self, *args, **options) -> None:
        output = options["output"] or Path(f"portal-backup-{datetime.now():%Y%m%d-%H%M%S}.tar")

        def log(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(message)

        try:
            result = backup.backup_create(output=output, log=log)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path} ({result.size / 1e6:.1f} MB) in "
                f"{result.seconds:.2f} s: {manifest['database']['vendor']} database, "
                f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
                f"{len(manifest['files'])} files."
            )
        )
