# One image for both roles: the default command serves the web workers (WEB_CONCURRENCY of
# them); `flask --app app crm worker` runs a job consumer. See README, "Production".
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CRM_INSTANCE_DIR=/data \
    WEB_CONCURRENCY=4

WORKDIR /app
COPY requirements.txt requirements.lock ./
RUN pip install --no-cache-dir -r requirements.txt -c requirements.lock

COPY . .
RUN pybabel compile -d translations && pybabel compile -d translations-framework \
    && useradd --system --no-create-home crm && mkdir /data && chown crm /data

USER crm
VOLUME /data
EXPOSE 8000
CMD ["gunicorn", "--no-control-socket", "--timeout", "300", "--bind", "0.0.0.0:8000", "app:create_app()"]
