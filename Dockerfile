FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 gettext \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
ENV PATH="/app/.venv/bin:$PATH" PYTHONUNBUFFERED=1
RUN python manage.py compilemessages --ignore=.venv -v0 && python manage.py collectstatic --noinput -v0
# Run as an unprivileged user: the code is read-only for it, only var/ and the media volume are writable.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home thidua \
    && mkdir -p /app/var/media /data/media && chown -R thidua:thidua /app/var /data/media
USER thidua
EXPOSE 8000
CMD ["gunicorn", "emulation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
