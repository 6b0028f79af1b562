# syntax=docker/dockerfile:1
#
# One image for the three roles of the portal (see config/docker-entrypoint.sh):
#   docker run IMAGE web | worker | beat | <any command>
#
# Stages:
#   assets   npm ci: Bootstrap, Bootstrap Icons and htmx from the npm registry (no CDN)
#   base     Python, the system libraries WeasyPrint needs, the hash-pinned Python deps
#   build    base + gettext: compilemessages and collectstatic
#   runtime  base + the built application and the PostgreSQL client (backup/restore);
#            no Node.js, npm or gettext

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
# WeasyPrint's system libraries (Pango, HarfBuzz and its subsetter, shared-mime-info), a
# Times-compatible font with full Vietnamese coverage for the generated PDFs (fontconfig
# builds the system font cache at install time), and time zone data for Asia/Ho_Chi_Minh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libpangocairo-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        shared-mime-info \
        fontconfig \
        fonts-liberation2 \
        tzdata \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app
WORKDIR /app
# Every package is pinned by version and hash (uv pip compile --generate-hashes); --no-deps
# because the lock already lists the whole dependency tree.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# ---------------------------------------------------------------------------
FROM base AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY --from=assets /build/node_modules ./node_modules
COPY . .
# The production settings refuse to load without a secret key and allowed hosts: dummy
# values for this one command only, never baked into the image. PORTAL_VAR_DIR keeps the
# scratch SQLite/broker folders the settings create out of the image.
RUN DJANGO_SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime-0123456789 \
    DJANGO_ALLOWED_HOSTS=localhost \
    PORTAL_VAR_DIR=/tmp/build-var \
    sh -c 'python manage.py compilemessages --ignore=node_modules \
        && python manage.py collectstatic --noinput' \
    && rm -rf /tmp/build-var \
    && chmod 0755 config/docker-entrypoint.sh

# ---------------------------------------------------------------------------
FROM base AS runtime
# pg_dump and pg_restore for `manage.py backup` / `manage.py restore`, from Debian. pg_dump
# refuses a server newer than itself: docker-compose.yml runs PostgreSQL 15, bookworm's
# client version (and the version the test suite runs against).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# Uploaded and generated files and the beat schedule live in /app/var (a volume in
# docker-compose.yml); a fresh named volume takes this ownership.
RUN mkdir -p /app/var/media && chown -R app:app /app/var
USER app
EXPOSE 8000
ENTRYPOINT ["/app/config/docker-entrypoint.sh"]
CMD ["web"]
