#!/usr/bin/env bash
# One image, three roles. The first argument picks the role:
#   web     apply migrations, then serve the site with gunicorn on port 8000
#   worker  run the Celery worker (PDF rendering, imports, e-mail)
#   beat    run the Celery beat scheduler (periodic jobs)
# Anything else is executed as given, e.g. `docker compose run --rm web python manage.py
# createsuperuser` or `docker compose run --rm web bash`. Extra arguments after a role are
# passed on to gunicorn or celery.
set -euo pipefail

role="${1:-web}"
if [ "$#" -gt 0 ]; then
    shift
fi

case "$role" in
    web)
        # Only the web service migrates: the worker and beat wait for it to be healthy.
        python manage.py migrate --noinput
        # No gunicorn access log: it would write query strings, addresses and referrers.
        # The portal logs one JSON line per request itself (config/logs.py).
        exec gunicorn config.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${GUNICORN_WORKERS:-3}" \
            "$@"
        ;;
    worker)
        exec celery -A config.celery_app worker --loglevel=INFO "$@"
        ;;
    beat)
        # --enable-remote-control makes beat answer `celery inspect ping` on
        # celerybeat@<hostname> while its scheduler keeps ticking: the compose health check.
        exec celery -A config.celery_app beat --loglevel=INFO \
            --schedule /app/var/celerybeat-schedule \
            --enable-remote-control \
            "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
