# The production image: the same pinned environment as `make`, with this repository in it.
# docker-compose.yml runs it as AIRFLOW_UID with group 0, so every folder a container writes is
# group-writable (as in Airflow's official image) and ./data never becomes root-owned.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AIRFLOW_HOME=/opt/airflow \
    HOME=/opt/airflow \
    LAICHAU_DATA_DIR=/data

WORKDIR /opt/laichau
COPY requirements.lock pyproject.toml ./
RUN pip install --upgrade pip && pip install -r requirements.lock
COPY . .
RUN pip install --no-deps -e . \
    && mkdir -p /data "$AIRFLOW_HOME/logs" \
    && chgrp -R 0 /data "$AIRFLOW_HOME" /opt/laichau \
    && chmod -R g+rwX /data "$AIRFLOW_HOME" /opt/laichau
