# survey-engine production image (used by docker-compose.yml; runs on PostgreSQL).
# Every setting comes from the environment: see the README's "Production" section.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app
# Dependencies first (pinned in pyproject.toml), so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir survey_engine && touch survey_engine/__init__.py \
    && pip install . && pip uninstall -y survey-engine && rm -rf survey_engine build

COPY survey_engine ./survey_engine
COPY questionnaires ./questionnaires
COPY reports ./reports
# Installed in place, so the questionnaires and report templates above are found.
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /app --no-create-home survey \
    && mkdir -p /app/var && chown survey /app/var
USER survey

ENV WEB_HOST=0.0.0.0 \
    WEB_PORT=8000 \
    WEB_WORKERS=2 \
    LOG_FORMAT=json \
    SURVEY_ENGINE_REPORT_TEMPLATES=/app/reports/templates

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=4)"]
# Migrations run at every start (idempotent; a new version migrates before it serves),
# then the server replaces the shell so it receives SIGTERM from `docker stop`.
CMD ["sh", "-c", "survey-engine db migrate && exec survey-engine serve"]
