# SIEX web and worker image (gunicorn + whitenoise; celery). Used by docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 siex

COPY pyproject.toml README.md ./
COPY requirements/constraints.txt requirements/constraints.txt
COPY siex siex
COPY monitoring monitoring
COPY interventions interventions
COPY calculation calculation
RUN pip install -c requirements/constraints.txt -e .

COPY . .
# Static files are collected at build time and served by whitenoise; the keys here only let the
# settings load and are not used by the running containers.
RUN DJANGO_SECRET_KEY=collectstatic-only SIEX_PSEUDONYM_KEY=collectstatic-only \
    python manage.py collectstatic --noinput --settings=siex.settings.production \
    && chown -R siex:siex /app

USER siex
EXPOSE 8000
# gunicorn.conf.py: the access log names paths without their query strings (no reference in a log).
CMD ["gunicorn", "siex.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
