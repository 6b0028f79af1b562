"""Backup and restore of the whole portal: the database and every file under MEDIA_ROOT.

One archive (a tar file, gzip-compressed when its name ends in ``.gz``) holds:

``database/portal.dump``
    PostgreSQL: ``pg_dump --format=custom``, taken in the snapshot the row counts were read in.
``database/portal.sqlite3``
    SQLite: a copy made with SQLite's online backup API (consistent while the portal runs).
``media/<path>``
    every uploaded and generated file under MEDIA_ROOT (signed agreements, report PDFs,
    dossiers…).
``manifest.json`` (written last)
    the format version, when and with which Django it was made, the migrations applied, the
    rows of every table, and the size and SHA-256 of every other member.

A restore checks the whole archive against its manifest *before* it touches anything, and
refuses a damaged, truncated or foreign archive with a message that says what is wrong. It then
replaces the database (``pg_restore --clean --if-exists --no-owner`` in one transaction, or
SQLite's backup API) and the content of MEDIA_ROOT, and checks the restored row counts.

The management commands ``backup`` and ``restore`` are thin wrappers around this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from .paging import list_counts_forget

FORMAT = "ngoaivu-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "postgresql": "database/portal.dump",
    "sqlite": "database/portal.sqlite3",
}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

Log = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for the person running it."""


def _no_log(message: str) -> None:
    pass


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while computing its SHA-256, so each file is read once."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _count_rows(cursor, table_names: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(table_names):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def table_row_counts(using: str = "default") -> dict[str, int]:
    """The number of rows of every table of the configured database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        return _count_rows(cursor, names, connection.ops.quote_name)


def _pg_env(using: str) -> dict[str, str]:
    """Environment for pg_dump/pg_restore: libpq variables from the Django settings.

    The password goes in the environment, never on the command line (other users of the host
    could read it there).
    """
    connection = connections[using]
    params = connection.settings_dict
    _, client_env = connection.client.settings_to_cmd_args_env(params, [])
    env = {**os.environ, **(client_env or {})}
    options = params.get("OPTIONS", {})
    for variable, value in (
        ("PGHOST", params.get("HOST")),
        ("PGPORT", params.get("PORT")),
        ("PGUSER", params.get("USER") or options.get("user")),
        ("PGDATABASE", params.get("NAME") or options.get("dbname")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client tools "
            "(Debian package postgresql-client, of the server's major version or newer)."
        ) from error
    if result.returncode != 0:
        raise BackupError(
            f"{what} failed ({args[0]} exit code {result.returncode}):\n{result.stderr.strip()}"
        )
    return result


# ---------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------
@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _dump_postgresql(using: str, target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump in the snapshot of a read-only transaction that also counts the rows, so the
    manifest describes exactly what the dump holds even while the portal keeps writing."""
    wrapper = connections.create_connection(using)
    try:
        wrapper.ensure_connection()
        wrapper.set_autocommit(False)
        with wrapper.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            names = wrapper.introspection.table_names(cursor)
            counts = _count_rows(cursor, names, wrapper.ops.quote_name)
            migrations = _applied_migrations(cursor)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                _pg_env(using),
                "The database dump",
            )
        wrapper.rollback()
    finally:
        wrapper.close()
    return counts, migrations


def _dump_sqlite(using: str, target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy the live database with SQLite's online backup API, then describe the copy."""
    name = connections[using].settings_dict["NAME"]
    if not Path(name).is_file():
        raise BackupError(f"The SQLite database {name} does not exist.")
    source = sqlite3.connect(name, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
        names = [row[0] for row in cursor.fetchall()]
        counts = _count_rows(cursor, names, connections[using].ops.quote_name)
        migrations = _applied_migrations(cursor)
    finally:
        copy.close()
        source.close()
    return counts, migrations


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file under MEDIA_ROOT, as (absolute path, POSIX path relative to it)."""
    if not media_root.is_dir():
        return
    for directory, subdirs, files in os.walk(media_root):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(media_root).as_posix()


def backup_create(*, output: Path, using: str = "default", log: Log = _no_log) -> BackupResult:
    """Write the database and every file under MEDIA_ROOT to the archive ``output``.

    The archive is written next to ``output`` under a temporary name and renamed at the end:
    an interrupted backup never leaves a file that looks complete.
    """
    started = time.monotonic()
    vendor = _vendor(using)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    member = DATABASE_MEMBERS[vendor]
    mode = "w:gz" if output.name.endswith(".gz") else "w"
    partial = output.with_name(f".{output.name}.partial")

    try:
        with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
            dump = Path(scratch) / PurePosixPath(member).name
            log(f"Dumping the {vendor} database…")
            if vendor == "postgresql":
                tables, migrations = _dump_postgresql(using, dump)
            else:
                tables, migrations = _dump_sqlite(using, dump)

            files: list[dict[str, Any]] = []
            with tarfile.open(partial, mode) as archive:
                database = {
                    "vendor": vendor,
                    "member": member,
                    "size": dump.stat().st_size,
                    "sha256": _sha256_file(dump),
                }
                archive.add(dump, arcname=member, recursive=False)

                log(f"Adding the files under {media_root}…")
                for path, relative in _media_files(media_root):
                    info = archive.gettarinfo(path, arcname=MEDIA_PREFIX + relative)
                    with path.open("rb") as handle:
                        reader = _HashingReader(handle)
                        archive.addfile(info, reader)
                    files.append(
                        {"path": relative, "size": info.size, "sha256": reader.sha256.hexdigest()}
                    )

                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "django_version": django.get_version(),
                    "database": database,
                    "tables": tables,
                    "migrations": migrations,
                    "files": files,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                info.mtime = int(time.time())
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(body))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=output, manifest=manifest, seconds=time.monotonic() - started)


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------
@dataclass
class VerifiedArchive:
    """An archive whose every member matched its manifest, extracted to ``staging``."""

    path: Path
    manifest: dict[str, Any]
    staging: Path
    notes: list[str] = field(default_factory=list)

    @property
    def database_file(self) -> Path:
        return self.staging / self.manifest["database"]["member"]

    @property
    def media_dir(self) -> Path:
        return self.staging / MEDIA_PREFIX.rstrip("/")

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]


def _damaged(archive: Path, why: str) -> BackupError:
    return BackupError(f"{archive} is not a usable backup: {why}. Nothing was restored.")


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise _damaged(
            archive, f"it has no {MANIFEST}: it is cut short, or not a portal backup"
        ) from None
    handle = tar.extractfile(member)
    if handle is None:
        raise _damaged(archive, f"its {MANIFEST} is not a file")
    try:
        manifest = json.loads(handle.read().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _damaged(archive, f"its {MANIFEST} is corrupt ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(archive, "it is not a backup made by this portal")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _damaged(
            archive,
            f"its format version {manifest.get('format_version')} is not {FORMAT_VERSION}, "
            "the one this version of the portal reads",
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("member") != DATABASE_MEMBERS.get(
        database.get("vendor")
    ):
        raise _damaged(archive, f"its {MANIFEST} does not describe a database dump")
    for key in ("tables", "migrations", "files"):
        if not isinstance(manifest.get(key), dict | list):
            raise _damaged(archive, f"its {MANIFEST} has no {key}")
    return manifest


def _expected_members(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    expected = {manifest["database"]["member"]: manifest["database"]}
    for entry in manifest["files"]:
        expected[MEDIA_PREFIX + entry["path"]] = entry
    return expected


def _safe_member_path(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def _extract_and_check(
    tar: tarfile.TarFile, archive: Path, manifest: dict[str, Any], staging: Path
) -> None:
    expected = _expected_members(manifest)
    seen: set[str] = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None:
            raise _damaged(archive, f"{member.name} is in the archive but not in its manifest")
        if not member.isfile() or _safe_member_path(member.name) is None:
            raise _damaged(archive, f"{member.name} is not a plain file inside the archive")
        if member.name in seen:
            raise _damaged(archive, f"{member.name} is in the archive twice")
        seen.add(member.name)
        target = staging / _safe_member_path(member.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        digest = hashlib.sha256()
        with target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if member.size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise _damaged(
                archive, f"{member.name} does not match its checksum in the manifest (damaged)"
            )
    missing = sorted(set(expected) - seen)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise _damaged(archive, f"{len(missing)} file(s) of the manifest are missing: {shown}")


def _check_migrations(manifest: dict[str, Any], archive: Path) -> list[str]:
    """Refuse an archive made by a newer portal (migrations this code does not have); note
    the migrations to apply after restoring an older one."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    installed_apps = {config.label for config in apps.get_app_configs()}
    unknown = sorted(m for m in applied if m not in known and m[0] in installed_apps)
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"{archive} was made by a newer version of the portal: its database has "
            f"migrations this version does not know ({shown}). Restore it with the version "
            "that made it. Nothing was restored."
        )
    notes = []
    if known - applied:
        notes.append(
            f"The archive predates {len(known - applied)} migration(s) of this version: "
            "run `manage.py migrate` after the restore."
        )
    if manifest.get("django_version") != django.get_version():
        notes.append(
            f"The archive was made with Django {manifest.get('django_version')}, "
            f"this is Django {django.get_version()}."
        )
    return notes


def _check_database_file(archive: VerifiedArchive) -> None:
    if archive.vendor == "postgresql":
        # Reads the dump's table of contents: an unreadable dump, or one made by a newer
        # pg_dump than this pg_restore, is refused here rather than half-way through.
        try:
            _run(
                ["pg_restore", "--list", str(archive.database_file)],
                dict(os.environ),
                "Reading the database dump",
            )
        except BackupError as error:
            raise _damaged(archive.path, str(error)) from error
        return
    connection = sqlite3.connect(archive.database_file)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _damaged(archive.path, f"its SQLite database is unreadable ({error})") from error
    finally:
        connection.close()
    if result != "ok":
        raise _damaged(archive.path, f"its SQLite database fails the integrity check ({result})")


@contextlib.contextmanager
def archive_verified(
    archive: Path, *, using: str = "default", log: Log = _no_log
) -> Iterator[VerifiedArchive]:
    """Check ``archive`` against its manifest and this installation; yield it extracted.

    Raises BackupError, before anything is changed, when the archive is damaged, truncated,
    not a portal backup, made for the other database engine or by a newer version.
    """
    archive = Path(archive).resolve()
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    vendor = _vendor(using)
    media_root = Path(settings.MEDIA_ROOT)
    # Stage next to MEDIA_ROOT when possible, so that putting the files in place is a rename.
    stage_parent = media_root.parent if os.access(media_root.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix=".portal-restore-", dir=stage_parent) as staging:
        log(f"Checking {archive}…")
        try:
            tar = tarfile.open(archive, "r:*")  # noqa: SIM115 (closed by the with below)
        except (tarfile.TarError, EOFError, OSError) as error:
            raise _damaged(
                archive, "it is not a tar archive, or its beginning is damaged"
            ) from error
        with tar:
            try:
                manifest = _read_manifest(tar, archive)
                _extract_and_check(tar, archive, manifest, Path(staging))
            except (tarfile.TarError, EOFError, zlib.error) as error:
                raise _damaged(archive, f"it is cut short or damaged ({error})") from error
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"{archive} holds a {manifest['database']['vendor']} database, but the portal "
                f"is configured for {vendor}. Nothing was restored."
            )
        verified = VerifiedArchive(path=archive, manifest=manifest, staging=Path(staging))
        _check_database_file(verified)
        verified.notes = _check_migrations(manifest, archive)
        yield verified


# ---------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------
@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    seconds: float
    notes: list[str]


def _restore_postgresql(archive: VerifiedArchive, using: str) -> None:
    connection = connections[using]
    # Tables of this code's models that the archive does not have (added by a later
    # migration) would keep foreign keys to the tables pg_restore --clean drops: drop them
    # first; `migrate` recreates them.
    in_archive = set(archive.manifest["tables"])
    extra = sorted(
        set(connection.introspection.django_table_names(only_existing=True)) - in_archive
    )
    if extra:
        with connection.cursor() as cursor:
            for table in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(archive.database_file),
        ],
        _pg_env(using),
        "Restoring the database",
    )


def _restore_sqlite(archive: VerifiedArchive, using: str) -> None:
    connections.close_all()
    name = connections[using].settings_dict["NAME"]
    source = sqlite3.connect(archive.database_file)
    target = sqlite3.connect(name, timeout=20)
    try:
        # Page by page into the live file (through its WAL), in one write transaction: other
        # connections see the old database or the restored one, never a mix.
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"Restoring the database failed: {error}") from error
    finally:
        target.close()
        source.close()


def _restore_media(archive: VerifiedArchive, media_root: Path) -> int:
    """Make MEDIA_ROOT hold exactly the archive's files (MEDIA_ROOT itself may be a mount
    point, so its content is replaced, not the folder)."""
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = len(archive.manifest["files"])
    if archive.media_dir.is_dir():
        for child in archive.media_dir.iterdir():
            shutil.move(child, media_root / child.name)
    return count


def backup_restore(
    *, archive: VerifiedArchive, using: str = "default", log: Log = _no_log
) -> RestoreResult:
    """Replace the database and the files under MEDIA_ROOT with a verified archive's."""
    started = time.monotonic()
    log("Restoring the database…")
    if archive.vendor == "postgresql":
        _restore_postgresql(archive, using)
    else:
        _restore_sqlite(archive, using)
    log(f"Restoring the files under {settings.MEDIA_ROOT}…")
    files = _restore_media(archive, Path(settings.MEDIA_ROOT))

    expected = archive.manifest["tables"]
    actual = table_row_counts(using)
    differ = sorted(t for t, rows in expected.items() if actual.get(t) != rows)
    if differ:
        raise BackupError(
            "The database was restored, but the row counts of these tables differ from the "
            f"manifest: {', '.join(differ)}."
        )
    # Every record changed behind the ORM's back: the lists count and render afresh.
    list_counts_forget()
    return RestoreResult(
        tables=len(expected),
        rows=sum(expected.values()),
        files=files,
        seconds=time.monotonic() - started,
        notes=archive.notes,
    )
