# The production image: the same pinned environment as `make`, with this repository in it.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AIRFLOW_HOME=/opt/airflow \
    LAICHAU_DATA_DIR=/data

WORKDIR /opt/laichau
COPY requirements.lock pyproject.toml ./
RUN pip install --upgrade pip && pip install -r requirements.lock
COPY . .
RUN pip install --no-deps -e . && mkdir -p /data "$AIRFLOW_HOME"
