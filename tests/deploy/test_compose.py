"""Static checks of the container deployment: Dockerfile, entrypoint, compose file, .env.

No Docker engine runs where the tests run, so these read the files (PyYAML for the compose
file), cross-check them against the code that consumes them (the settings, the Celery
app, the WSGI module) and run the entrypoint with stand-in programs. None of them needs a
database.
"""

import ast
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.beat import beat_nodename
from celery.utils.nodenames import default_nodename
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "config" / "docker-entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
LOCK_FILE = ROOT / "requirements.lock"
SETTINGS_DIR = ROOT / "config" / "settings"

APP_SERVICES = ("web", "worker", "beat")
ROLES = ("web", "worker", "beat")
# What production.py refuses to start without.
REQUIRED_IN_PRODUCTION = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")
# A value that satisfies production.py's length check, for interpolating the compose file.
SAMPLE_SECRET = "sample-secret-for-the-deploy-tests-" + "x" * 40


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def settings_env_names() -> set[str]:
    """Names the settings read: ``env.<cast>("NAME", ...)`` and ``env_secret("NAME")``.

    ``env_secret`` also reads ``NAME_FILE``.
    """
    names: set[str] = set()
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            ):
                names.add(first.value)
            elif isinstance(func, ast.Name) and func.id == "env_secret":
                names.update({first.value, f"{first.value}_FILE"})
    return names


def entrypoint_env_names() -> set[str]:
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", ENTRYPOINT.read_text(encoding="utf-8")))


_INTERPOLATION = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?])([^}]*))?\}|(\w+))")


class MissingVariable(Exception):
    pass


def interpolate(value: str, environ: dict[str, str]) -> str:
    """Compose's ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}``, ``$$``."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(5)
        operator, argument = match.group(3), match.group(4)
        current = environ.get(name)
        unset = current is None or (operator and operator.startswith(":") and current == "")
        if operator in (":-", "-"):
            return argument if unset else current
        if operator in (":?", "?"):
            if unset:
                raise MissingVariable(f"{name}: {argument}")
            return current
        return current or ""

    return _INTERPOLATION.sub(replace, value)


def service_environment(service: dict, environ: dict[str, str]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {name: interpolate(str(value), environ) for name, value in raw.items()}


def healthcheck_command(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    return [test] if isinstance(test, str) else list(test)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def entrypoint_text() -> str:
    return ENTRYPOINT.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# docker-compose.yml
# ---------------------------------------------------------------------------
def test_compose_defines_the_services(compose):
    assert isinstance(compose, dict)
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_app_services_share_one_image(compose, services):
    anchor = compose["x-app"]
    assert anchor["build"] == "."
    assert anchor["image"]
    assert (ROOT / "Dockerfile").is_file()
    for name in APP_SERVICES:
        for key in ("build", "image", "environment", "volumes"):
            assert services[name][key] == anchor[key], (name, key)
    commands = {name: services[name]["command"] for name in APP_SERVICES}
    assert commands == {"web": ["web"], "worker": ["worker"], "beat": ["beat"]}


def test_every_service_has_a_healthcheck(services):
    for name, service in services.items():
        command = healthcheck_command(service)
        assert command, name
        assert command[0] in ("CMD", "CMD-SHELL"), name
        assert "NONE" not in command, name


def test_healthchecks_probe_the_right_thing(services):
    assert "pg_isready" in " ".join(healthcheck_command(services["db"]))
    assert healthcheck_command(services["redis"])[1:] == ["redis-cli", "ping"]

    web = healthcheck_command(services["web"])
    assert web[:3] == ["CMD", "python", "-c"]
    compile(web[3], "web-healthcheck", "exec")
    assert "http://127.0.0.1:8000/healthz" in web[3]
    assert "curl" not in " ".join(web)

    # The ping destinations are the node names Celery gives a worker and beat by default.
    worker_prefix = default_nodename(None).split("@")[0]
    beat_prefix = beat_nodename(None).split("@")[0]
    for name, prefix in (("worker", worker_prefix), ("beat", beat_prefix)):
        command = interpolate(" ".join(healthcheck_command(services[name])[1:]), {})
        words = shlex.split(command)
        assert words[:4] == ["celery", "-A", "config.celery_app", "inspect"], name
        assert "ping" in words, name
        destination = words[words.index("--destination") + 1]
        assert destination == f"{prefix}@$HOSTNAME", name


class _FakeResponse:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


@pytest.mark.parametrize(
    "allowed", [None, "ngoaivu.tuyenquang.gov.vn,.tuyenquang.gov.vn", ".example.org", "*"]
)
def test_web_healthcheck_sends_an_allowed_host(services, monkeypatch, allowed):
    code = healthcheck_command(services["web"])[3]
    environ = {"DJANGO_SECRET_KEY": SAMPLE_SECRET}
    if allowed is not None:
        environ["DJANGO_ALLOWED_HOSTS"] = allowed
    allowed_hosts = service_environment(services["web"], environ)["DJANGO_ALLOWED_HOSTS"]
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", allowed_hosts)
    requests = []

    def fake_urlopen(request, timeout=None):
        requests.append(request)
        return _FakeResponse()

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(SystemExit) as exit_info:
        exec(compile(code, "web-healthcheck", "exec"), {})
    assert exit_info.value.code == 0
    (request,) = requests
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    host = request.get_header("Host")
    assert validate_host(host, [h.strip() for h in allowed_hosts.split(",")]), host


def test_app_services_wait_for_healthy_db_and_redis(services):
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        for dependency in ("db", "redis"):
            assert depends[dependency]["condition"] == "service_healthy", (name, dependency)
    assert "8000" in services["web"]["ports"][0].split(":")[-1]


def test_volumes_exist_and_are_mounted(compose, services):
    assert {"pgdata", "portal-files"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in APP_SERVICES:
        assert "portal-files:/app/var" in services[name]["volumes"], name
    environment = service_environment(services["web"], {"DJANGO_SECRET_KEY": SAMPLE_SECRET})
    assert environment["PORTAL_MEDIA_ROOT"].startswith("/app/var/")


def test_app_environment_names_are_read_by_the_code(services):
    known = settings_env_names() | entrypoint_env_names()
    for name in APP_SERVICES:
        passed = set(services[name]["environment"])
        stray = passed - known
        assert not stray, f"{name} passes variables nothing reads: {sorted(stray)}"


def test_variables_production_requires_are_passed(services):
    production = (SETTINGS_DIR / "production.py").read_text(encoding="utf-8")
    assert production.count("raise ImproperlyConfigured") == len(REQUIRED_IN_PRODUCTION), (
        "production.py requires something new: add it to REQUIRED_IN_PRODUCTION and compose"
    )
    for variable in REQUIRED_IN_PRODUCTION:
        assert variable in production
    for name in APP_SERVICES:
        environment = service_environment(services[name], {"DJANGO_SECRET_KEY": SAMPLE_SECRET})
        for variable in REQUIRED_IN_PRODUCTION:
            assert environment.get(variable), (name, variable)
    # Without a secret key compose refuses to start rather than run with an empty one.
    with pytest.raises(MissingVariable, match="DJANGO_SECRET_KEY"):
        service_environment(services["web"], {})


def test_production_settings_load_with_the_compose_environment(services):
    environment = service_environment(services["web"], {"DJANGO_SECRET_KEY": SAMPLE_SECRET})
    probe = """
import json, re
import django
django.setup()
from django.conf import settings
from django.urls import resolve
print(json.dumps({
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "healthz_exempt": any(re.search(p, "healthz") for p in settings.SECURE_REDIRECT_EXEMPT),
    "healthz_view": resolve("/healthz").func.__name__,
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_host": settings.DATABASES["default"]["HOST"],
    "cache": settings.CACHES["default"]["LOCATION"],
    "broker": settings.CELERY_BROKER_URL,
    "media_root": str(settings.MEDIA_ROOT),
    "province": settings.PORTAL["PROVINCE_NAME"],
    "parent_body": settings.PORTAL["PARENT_BODY"],
}))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            **environment,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "debug": False,
        "ssl_redirect": False,
        "healthz_exempt": True,
        "healthz_view": "healthz",
        "db_engine": "django.db.backends.postgresql",
        "db_host": "db",
        "cache": "redis://redis:6379/1",
        "broker": "redis://redis:6379/0",
        "media_root": "/app/var/media",
        "province": "Tuyên Quang",
        "parent_body": "UBND TỈNH TUYÊN QUANG",
    }


# ---------------------------------------------------------------------------
# config/docker-entrypoint.sh
# ---------------------------------------------------------------------------
def test_entrypoint_is_valid_bash():
    result = subprocess.run(
        ["bash", "-n", str(ENTRYPOINT)], capture_output=True, text=True, timeout=10
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def stub_path(tmp_path):
    """A PATH where python, gunicorn and celery only log how they were called."""
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("python", "gunicorn", "celery"):
        stub = bin_dir / program
        stub.write_text(f'#!/bin/sh\necho "{program} $*" >> "{log}"\n', encoding="utf-8")
        stub.chmod(0o755)
    return bin_dir, log


def run_entrypoint(stub_path, *args, **extra_env):
    bin_dir, log = stub_path
    environ = {"PATH": f"{bin_dir}:/usr/bin:/bin", **extra_env}
    result = subprocess.run(
        ["bash", str(ENTRYPOINT), *args],
        env=environ,
        cwd=bin_dir.parent,
        capture_output=True,
        text=True,
        timeout=10,
    )
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return result, calls


def test_entrypoint_web_migrates_then_serves(stub_path):
    result, calls = run_entrypoint(stub_path, "web")
    assert result.returncode == 0, result.stderr
    assert calls == [
        "python manage.py migrate --noinput",
        "gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers 3",
    ]


def test_entrypoint_web_worker_count_comes_from_the_environment(stub_path):
    _, calls = run_entrypoint(stub_path, "web", GUNICORN_WORKERS="5")
    assert "--workers 5" in calls[-1]


def test_entrypoint_worker(stub_path):
    result, calls = run_entrypoint(stub_path, "worker")
    assert result.returncode == 0, result.stderr
    assert calls == ["celery -A config.celery_app worker --loglevel=INFO"]


def test_entrypoint_beat(stub_path):
    result, calls = run_entrypoint(stub_path, "beat")
    assert result.returncode == 0, result.stderr
    (call,) = calls
    assert call.startswith(
        "celery -A config.celery_app beat --loglevel=INFO --schedule /app/var/celerybeat-schedule"
    )
    # The beat health check pings it, which needs remote control on.
    assert "--enable-remote-control" in call


def test_entrypoint_runs_any_other_command(stub_path):
    result, calls = run_entrypoint(stub_path, "echo", "hello", "world")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello world\n"
    assert calls == []


def test_entrypoint_handles_every_role(entrypoint_text):
    handled = set(re.findall(r"^\s*([a-z|]+)\)\s*$", entrypoint_text, re.MULTILINE))
    assert set(ROLES) <= handled


def test_celery_app_path_is_a_celery_app(entrypoint_text):
    paths = set(re.findall(r"celery -A (\S+)", entrypoint_text))
    assert paths == {"config.celery_app"}
    module = importlib.import_module(paths.pop())
    assert isinstance(module.app, Celery)
    assert module.app.main == "config"


def test_wsgi_path_exists(entrypoint_text):
    (target,) = re.findall(r"gunicorn (\S+):(\w+)", entrypoint_text)
    module = importlib.import_module(target[0])
    application = getattr(module, target[1])
    assert callable(application)


# ---------------------------------------------------------------------------
# Dockerfile and requirements.lock
# ---------------------------------------------------------------------------
def test_dockerfile_installs_fonts_and_weasyprint_libraries():
    apt_installs = " ".join(
        arguments
        for instruction, arguments in dockerfile_instructions()
        if instruction == "RUN" and "apt-get install" in arguments
    ).split()
    for package in (
        "fonts-liberation2",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libpangocairo-1.0-0",
        "libharfbuzz0b",
        "libharfbuzz-subset0",
        "shared-mime-info",
        "gettext",
        "nodejs",
        "npm",
    ):
        assert package in apt_installs, package


def test_dockerfile_installs_the_hash_pinned_lock():
    instructions = dockerfile_instructions()
    pip_runs = [args for name, args in instructions if name == "RUN" and "pip install" in args]
    assert len(pip_runs) == 1
    words = pip_runs[0].split()
    assert "--require-hashes" in words
    assert words[words.index("-r") + 1] == "requirements.lock"
    assert any(name == "COPY" and "requirements.lock" in args for name, args in instructions)


def test_dockerfile_builds_static_files_and_runs_unprivileged():
    instructions = dockerfile_instructions()
    runs = " ".join(args for name, args in instructions if name == "RUN")
    assert "npm ci" in runs
    assert "manage.py compilemessages" in runs
    assert "manage.py collectstatic --noinput" in runs
    froms = [args.split()[0] for name, args in instructions if name == "FROM"]
    assert froms[0] == "${PYTHON_IMAGE}"
    assert any(
        name == "ARG" and args == "PYTHON_IMAGE=python:3.11-slim-bookworm"
        for name, args in instructions
    )
    envs = " ".join(args for name, args in instructions if name == "ENV")
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in envs
    # The dummy build-time secret stays on its RUN line.
    assert "DJANGO_SECRET_KEY" not in envs
    assert not any(name == "ARG" and "SECRET" in args for name, args in instructions)
    users = [args for name, args in instructions if name == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    (entrypoint,) = [args for name, args in instructions if name == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["/app/config/docker-entrypoint.sh"]


def test_prod_lock_pins_every_package_with_hashes():
    lock = LOCK_FILE.read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9._-]+)==\S+((?:\s*\\\n\s+--hash=\S+)*)", lock, re.M)
    assert len(entries) > 20
    packages = {name.lower() for name, _ in entries}
    for name, hashes in entries:
        assert "--hash=sha256:" in hashes, name
    # What the entrypoint and the compose environment rely on.
    for needed in ("gunicorn", "celery", "redis", "psycopg", "psycopg-binary", "weasyprint"):
        assert needed in packages, needed


def test_dockerignore_keeps_local_state_out():
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for pattern in (".git", ".venv", "node_modules", "var", "staticfiles", ".env"):
        assert pattern in patterns, pattern
    assert ".pytest_cache" in patterns


# ---------------------------------------------------------------------------
# .env.example
# ---------------------------------------------------------------------------
ENV_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def test_env_example_lists_every_setting():
    listed = set(ENV_LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    missing = settings_env_names() - listed
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_env_example_lists_nothing_unknown(compose):
    listed = set(ENV_LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))
    interpolated = set(re.findall(r"\$\{(\w+)", COMPOSE_FILE.read_text(encoding="utf-8")))
    unknown = listed - settings_env_names() - entrypoint_env_names() - interpolated
    assert not unknown, f".env.example lists variables nothing reads: {sorted(unknown)}"


def test_env_example_defaults_and_second_province():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    active = dict(
        re.findall(r'^([A-Z][A-Z0-9_]*)="?(.*?)"?$', text, re.MULTILINE),
    )
    assert active["PORTAL_PROVINCE_NAME"] == "Tuyên Quang"
    assert active["PORTAL_PARENT_BODY"] == "UBND TỈNH TUYÊN QUANG"
    assert active["PORTAL_DOCUMENT_PLACE"] == "Tuyên Quang"
    # The placeholder must not pass production's length check.
    assert len(active["DJANGO_SECRET_KEY"]) < 50
    for line in (
        '# PORTAL_PROVINCE_NAME="Khánh Hòa"',
        '# PORTAL_PARENT_BODY="UBND TỈNH KHÁNH HÒA"',
        '# PORTAL_DOCUMENT_PLACE="Khánh Hòa"',
    ):
        assert line in text.splitlines(), line
