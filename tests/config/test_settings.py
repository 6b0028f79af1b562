"""Production settings refuse to start unconfigured and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-for-tests-0123456789abcdef"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


SETUP = ["-c", "import django; django.setup(); print('started')"]


def test_production_without_secret_key_fails_clearly():
    result = _run(SETUP, DJANGO_ALLOWED_HOSTS="portal.example.gov.vn")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_with_short_secret_key_fails():
    result = _run(SETUP, DJANGO_SECRET_KEY="short", DJANGO_ALLOWED_HOSTS="portal.example.gov.vn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_fails_clearly():
    result = _run(SETUP, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_reads_secret_from_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(GOOD_KEY + "\n")
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SECRET_KEY)",
        ],
        DJANGO_SECRET_KEY_FILE=str(secret),
        DJANGO_ALLOWED_HOSTS="portal.example.gov.vn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == GOOD_KEY


def test_check_deploy_prints_no_warnings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="portal.example.gov.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_database_url_switches_to_postgresql():
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        ],
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL="postgres://portal:pw@db.example:5432/portal",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "portal", "db.example"]


def test_sqlite_is_the_default_database(tmp_path):
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'])",
        ],
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
