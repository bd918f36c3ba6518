# Production image: the app on PostgreSQL (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY survey_engine ./survey_engine
COPY questionnaires ./questionnaires
RUN pip install . && useradd --system --home /app survey
USER survey

EXPOSE 8000
# Migrations run at every start (they are idempotent), then the server starts.
CMD ["sh", "-c", "survey-engine db migrate && exec survey-engine serve --host 0.0.0.0 --port 8000 --workers ${WEB_WORKERS:-2}"]
