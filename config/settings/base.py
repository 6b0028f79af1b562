"""Settings shared by every environment, read from the environment (12-factor).

Every value that differs between deployments (database, broker, the province the portal
serves) comes from an environment variable or a ``.env`` file at the project root. The
README lists them.
"""

import logging
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.broker import broker_settings
from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.smart_cast = False
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def env_secret(name: str, **kwargs) -> str:
    """Read ``name`` from the environment, or from the file named by ``<name>_FILE``.

    Docker and systemd secrets arrive as files; plain variables stay possible.
    """
    file_path = env.str(f"{name}_FILE", default="")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return env.str(name, **kwargs)


# Runtime state that is not source: the SQLite database, the embedded broker's queue,
# uploaded and generated files. Kept out of the web root and out of git.
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------
# The province the portal serves. Nothing about Tuyên Quang is hard-coded: a second
# province (e.g. Khánh Hòa) is a matter of these variables and its own agencies' data.
# ---------------------------------------------------------------------------
PORTAL = {
    "PROVINCE_NAME": env.str("PORTAL_PROVINCE_NAME", default="Tuyên Quang"),
    "PARENT_BODY": env.str("PORTAL_PARENT_BODY", default="UBND TỈNH TUYÊN QUANG"),
    "DEPARTMENT_NAME": env.str("PORTAL_DEPARTMENT_NAME", default="Sở Ngoại vụ"),
    "DEPARTMENT_ABBR": env.str("PORTAL_DEPARTMENT_ABBR", default="SNgV"),
    "DOCUMENT_PLACE": env.str("PORTAL_DOCUMENT_PLACE", default="Tuyên Quang"),
    # The portal's public address, for links in e-mails.
    "BASE_URL": env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000"),
    # Who usually signs the department's reports (the issue form proposes them).
    "SIGNER_AUTHORITY": env.str("PORTAL_SIGNER_AUTHORITY", default="KT. GIÁM ĐỐC"),
    "SIGNER_TITLE": env.str("PORTAL_SIGNER_TITLE", default="PHÓ GIÁM ĐỐC"),
    "SIGNER_NAME": env.str("PORTAL_SIGNER_NAME", default=""),
}

# Agencies submit their period report this many working days after the data cut-off.
REPORT_DEADLINE_WORKING_DAYS = env.int("PORTAL_REPORT_DEADLINE_WORKING_DAYS", default=5)

# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "axes",
    "django_structlog",
    "simple_history",
    "import_export",
    "accounts",
    "partners",
    "agreements",
    "delegations",
    "targets",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Binds a request id and the user's id to every log line; writes the access line.
    "config.logs.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.session_idle_middleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.logs.bind_user_middleware",
    # Every page needs a login unless its view says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.portal",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL says so.
# ---------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web server and the worker write to the same file: WAL and immediate transactions
    # avoid "database is locked" under that light concurrency.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the portal's queries are short, and PostgreSQL compiles any query
    # whose estimated cost passes jit_above_cost, at a price of seconds for a statement with
    # many subqueries (the home page's counts at national scale: 32 s with JIT, 4 s without).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# ---------------------------------------------------------------------------
# Users, login, sessions
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this much idle time: a request pushes the expiry forward, at most once
# a minute (accounts.middleware.session_idle_middleware: not a database write per page).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a user name *from one address*, so that one person mistyping does not
# lock out a whole office behind the same NAT address, and guessing one account from many
# addresses is still slowed down per address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The client address: the connection's own, or, behind N reverse proxies that each append
# to X-Forwarded-For, the entry the outermost proxy saw (never a header a client could forge
# when no proxy is declared).
PORTAL_PROXY_COUNT = env.int("PORTAL_PROXY_COUNT", default=0)
if PORTAL_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PORTAL_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# ---------------------------------------------------------------------------
# Language, time, formats: Vietnamese first, dd/mm/yyyy, Asia/Ho_Chi_Minh.
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Thousand separators are applied explicitly (|intcomma), never to years or ids by accident.
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# django-countries' Vietnamese names, corrected where two countries share a name or the
# name is wrong (Iceland/Ireland, Niger/Nigeria, Réunion…).
COUNTRIES_OVERRIDE = {
    "IS": _("Iceland"),
    "JE": _("Jersey"),
    "NE": _("Niger"),
    "SZ": _("Eswatini"),
    "RE": _("Réunion"),
    "LY": _("Libya"),
    "PS": _("Palestine"),
}

# ---------------------------------------------------------------------------
# Static and uploaded files. Vendor assets (Bootstrap, htmx) come from node_modules,
# installed from the npm registry by `make`; nothing is fetched from a CDN.
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Uploaded and generated files live outside the web root and are only served by views
# that check permissions, so there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/files/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# No byte of an uploaded file past this size is kept, whatever the form (config/uploads.py);
# the forms' own limits are lower (documents and evidence 20 MB, Excel files 10 MB).
UPLOAD_MAX_BYTES = 25 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "config.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ---------------------------------------------------------------------------
# Security headers (django-csp 4: no inline scripts anywhere).
# ---------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# ---------------------------------------------------------------------------
# E-mail: the console backend unless configured (EMAIL_URL, e.g. smtp+tls://…).
# ---------------------------------------------------------------------------
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cong-thong-tin@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Celery. Redis when REDIS_URL is set; otherwise kombu's filesystem transport, which still
# runs every task asynchronously in a separate worker process (a PDF is never rendered
# inside a web request).
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
_broker = broker_settings(REDIS_URL, VAR_DIR)
CELERY_BROKER_TRANSPORT_OPTIONS = _broker["broker_transport_options"]
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_broker["broker_url"])
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_broker["result_backend"])
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# A job that dies with its worker goes back to the queue; tasks are idempotent by design
# (their database row is the source of truth).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Every periodic job of the portal, in one place.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "accounts.tasks.purge_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    "refresh-statistics": {
        "task": "accounts.tasks.refresh_statistics",
        "schedule": crontab(hour=2, minute=45),
    },
    "expire-agreements": {
        "task": "agreements.tasks.expire_agreements",
        "schedule": crontab(hour=0, minute=10),
    },
    "purge-old-dossiers": {
        "task": "agreements.tasks.purge_dossiers",
        "schedule": crontab(hour=3, minute=30),
    },
    "send-queued-report-jobs": {
        "task": "reports.tasks.sweep_report_jobs",
        "schedule": 60.0,
    },
    "send-queued-dossier-jobs": {
        "task": "agreements.tasks.sweep_dossier_jobs",
        "schedule": 60.0,
    },
    "prepare-consolidated-drafts": {
        "task": "reports.tasks.prepare_due_drafts",
        "schedule": crontab(hour=1, minute=0),
    },
    "send-daily-digests": {
        "task": "accounts.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),  # CELERY_TIMEZONE: Asia/Ho_Chi_Minh
    },
}

# Sources of the daily digest: each is a function (user, today) -> list of DigestItem.
DIGEST_SOURCES = [
    "agreements.alerts.digest_items",
    "delegations.alerts.digest_items",
    "reports.alerts.digest_items",
    "targets.alerts.digest_items",
]

# Structured logs (config/logs.py): JSON lines with the request id and the user's id, never
# a password, session, token, query string, name or e-mail. DJANGO_LOG_FORMAT=console for
# readable lines.
LOGGING = logging_config(
    fmt=env.str("DJANGO_LOG_FORMAT", default="json"),
    level=env.str("DJANGO_LOG_LEVEL", default="INFO"),
)
# The access line (request_finished) is enough; request_started only at DEBUG.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# axes' log lines describe the client without its user name or address.
AXES_CLIENT_STR_CALLABLE = "config.logs.axes_client_str"
