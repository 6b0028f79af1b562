"""Structured logs: one line per request, bound to a request id and the user's id.

django-structlog does the work: its middleware binds ``request_id`` and ``user_id`` to every
log line written while a request is handled (the portal's own, Django's, axes'), and its
Celery integration carries them into the tasks the request queued, next to ``task_id``.
This module adapts it to what the portal may write down:

* the access line (``request_finished``) holds the method, the path *without* the query
  string (searches and filters carry names and free text), the status and the duration;
* the user is an id, never a name or an e-mail; no client address or user agent;
* the request id is answered in ``X-Request-ID``; one sent by a proxy is kept only when it
  is a plain token, so a client cannot write arbitrary text into the logs;
* tracebacks are plain text without local variables (which would hold form data);
* keys that name a secret (password, token, session, cookie…) are masked, should any code
  ever pass one as a structured value.

Production writes JSON, one object per line; ``make run`` writes readable lines.
"""

import re
import time
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's request id (uuid, hex, base64url…) is trusted only when it looks like one.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,99}")
SECRET_KEY_NAMES = re.compile(
    r"pass|secret|token|csrf|session|cookie|authorization|api_?key", re.IGNORECASE
)
REDACTED = "[redacted]"


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request middleware, logging the path without its query string."""

    @staticmethod
    def format_request(request: HttpRequest) -> str:
        return f"{request.method} {request.path}"


def bind_user_middleware(get_response):
    """Bind the user's id as soon as it is known (after AuthenticationMiddleware).

    RequestLogMiddleware runs before the session, so that a response from any middleware
    gets its access line and X-Request-ID; the lines written while the view runs, and the
    tasks it queues, get the user's id from here.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        RequestLogMiddleware.bind_user_id(request)
        return get_response(request)

    return middleware


def _access_fields(request: HttpRequest, log_kwargs: dict[str, Any]) -> None:
    """Replace the library's ``request`` ("GET /path?query") and ``code`` by plain fields."""
    log_kwargs.pop("request", None)
    log_kwargs.pop("user_agent", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.path
    if "code" in log_kwargs:
        log_kwargs["status"] = log_kwargs.pop("code")


def _on_request_started(request: HttpRequest, log_kwargs: dict[str, Any], **kwargs) -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if SAFE_REQUEST_ID.fullmatch(incoming):
        structlog.contextvars.bind_contextvars(request_id=incoming)
    request._log_started_at = time.monotonic()  # type: ignore[attr-defined]
    _access_fields(request, log_kwargs)


def _answer_request_id(response: HttpResponse) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response[REQUEST_ID_HEADER] = request_id


def _on_request_finished(
    request: HttpRequest, response: HttpResponse, log_kwargs: dict[str, Any], **kwargs
) -> None:
    _access_fields(request, log_kwargs)
    started = getattr(request, "_log_started_at", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    _answer_request_id(response)


def _on_request_failed(request: HttpRequest, log_kwargs: dict[str, Any], **kwargs) -> None:
    _access_fields(request, log_kwargs)


def _on_failure_response(response: HttpResponse, **kwargs) -> None:
    _answer_request_id(response)


signals.bind_extra_request_metadata.connect(_on_request_started, dispatch_uid="portal-log-start")
signals.bind_extra_request_finished_metadata.connect(
    _on_request_finished, dispatch_uid="portal-log-finish"
)
signals.bind_extra_request_failed_metadata.connect(
    _on_request_failed, dispatch_uid="portal-log-failed"
)
signals.update_failure_response.connect(_on_failure_response, dispatch_uid="portal-log-500")


def redact_secrets(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Mask any value logged under a key that names a secret."""
    for key in event_dict:
        if key != "event" and SECRET_KEY_NAMES.search(key):
            event_dict[key] = REDACTED
    return event_dict


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes' description of a client in its log lines (AXES_CLIENT_STR_CALLABLE).

    The user name, address and browser stay in axes' own records (the admin's "access
    attempts"); the log line carries the request id, which leads there.
    """
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return f'{{path_info: "{path_info}"}}'


# Processors shared by structlog's own loggers and by records from the standard library
# (Django, Celery, axes): the bound request/task context, level, logger name, time.
_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    """The ``LOGGING`` dict, and structlog configured to hand its events to it.

    ``fmt`` is ``json`` (one object per line) or ``console`` (readable, for development).
    """
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer()
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _SHARED,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    # Text tracebacks: structlog's dict tracebacks would list local
                    # variables, form data among them.
                    structlog.processors.format_exc_info,
                    redact_secrets,
                    renderer,
                ],
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # The access line is django-structlog's request_finished; request_started is
            # logged at DEBUG (DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL).
            "django_structlog": {"level": level},
            # "Not Found: /path" and the like repeat the access line (which logs 4xx at
            # WARNING), outside the request's context; server errors with their traceback stay.
            "django.request": {"level": "ERROR"},
            # runserver's own access line repeats the request with its query string.
            "django.server": {"level": "WARNING"},
            # SQL with its parameters (password hashes, session keys) is never logged.
            "django.db.backends": {"level": "INFO"},
            # "Task … succeeded: <return value>": django-structlog's task_succeeded says it
            # without the value.
            "celery.app.trace": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def celery_setup_logging(**kwargs) -> None:
    """Celery's ``setup_logging`` signal: keep Django's LOGGING rather than Celery's own."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    loglevel = kwargs.get("loglevel")
    if loglevel:
        logging.getLogger().setLevel(loglevel)
