# Rasa server (NLU + dialogue), REST channel and HTTP API on 5005. The model is trained at build
# time, so every replica of one image serves the same model. Build from the repository root:
#   docker build -f deploy/rasa.Dockerfile -t consultoria-rasa .
FROM python:3.10-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_TELEMETRY_ENABLED=false

RUN useradd --create-home --uid 10001 --user-group rasa
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install -r requirements/rasa.lock

COPY --chown=rasa:rasa config.yml credentials.yml ./
COPY --chown=rasa:rasa deploy/endpoints.production.yml deploy/endpoints.production.yml
COPY --chown=rasa:rasa domain domain
COPY --chown=rasa:rasa data data
COPY --chown=rasa:rasa nlu nlu
COPY --chown=rasa:rasa rasa_runtime rasa_runtime
COPY --chown=rasa:rasa deploy/rasa_run.py deploy/rasa_run.py

USER rasa
RUN rasa train --config config.yml --domain domain --data data nlu \
        --out models --fixed-model-name assistente

EXPOSE 5005
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"
# rasa_runtime is Rasa's CLI with the project's runtime fixes. The HTTP API is protected by
# RASA_API_TOKEN when it is set (the action server's LGPD erasure sends the same token), read
# by deploy/rasa_run.py from the environment: no secret on the command line.
ENV PYTHONPATH=/app
CMD ["python", "deploy/rasa_run.py"]
