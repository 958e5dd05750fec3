# The reference deployment's image: the web server (gunicorn) and the background worker
# (manage.py db_worker) run from this one image with different commands; see
# compose.yaml and README "Production server".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# gettext: compilemessages at build time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The app's lock: exact versions, every file checked against its sha256 (scripts/lock.sh).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
# Translations and static files are built into the image (whitenoise serves them), and
# the sources' .pyc files (PYTHONDONTWRITEBYTECODE: no process writes them later, so
# without them every gunicorn worker and manage.py run compiles the project again;
# pip has compiled the installed packages).
RUN DEBUG=false SECRET_KEY=image-build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=false SECRET_KEY=image-build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py collectstatic --noinput -v0 \
 && rm -f /tmp/build.sqlite3 \
 && python -m compileall -q /app

RUN useradd --system --uid 10001 --home-dir /app crm
USER crm

EXPOSE 8000
# The web server; the worker's command is `python manage.py db_worker --no-reload`.
CMD ["gunicorn", "crm_site.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "4", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--keep-alive", "5", \
     "--max-requests", "2000", "--max-requests-jitter", "200", \
     "--access-logfile", "-"]
