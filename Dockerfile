FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml ./
COPY gangmen ./gangmen
COPY tracking ./tracking
RUN pip install .
COPY . .
# The translations are compiled in the image (Babel, pure Python: no system gettext needed).
RUN if [ -d locale ]; then pybabel compile --domain=django --directory=locale; fi

RUN useradd --system --uid 10001 --home /app tracker && mkdir -p /app/media && chown -R tracker /app
USER tracker

EXPOSE 8000
# Migrations, the stored assessments for today and static files on every start, then gunicorn
# (which reads gunicorn.conf.py from /app); whitenoise serves the static files.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py refresh_assessments && python manage.py collectstatic --noinput && exec gunicorn gangmen.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
