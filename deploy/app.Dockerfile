# The project's own processes, from one image: the action server (target `actions`, port 5055)
# and the Telegram bot (target `bot`). Build from the repository root:
#   docker build -f deploy/app.Dockerfile --target actions -t consultoria-actions .
#   docker build -f deploy/app.Dockerfile --target bot -t consultoria-bot .
FROM python:3.10-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN useradd --create-home --uid 10001 --user-group app
WORKDIR /app

# Runtime dependencies only, at the versions the lock file pins (it also lists the dev tools,
# which a constraint does not install).
COPY requirements/dev.lock requirements/dev.lock
COPY pyproject.toml README.md ./
COPY consultoria consultoria
COPY actions actions
COPY bot bot
RUN pip install -c requirements/dev.lock -e . && chown -R app:app /app
COPY --chown=app:app consultoria.yml consultoria.yml

USER app

FROM base AS actions
# The container's own network is private (the compose file publishes no port): listen on it, not
# on the container's loopback alone. CHANNEL_SIGNING_SECRET comes from the environment.
ENV ACTIONS_HOST=0.0.0.0
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"
# The schema belongs to the migration role: the compose file's one-shot `migrate` service runs
# `consultoria db upgrade` as it before this starts with the application role, which may only
# read and write rows.
CMD ["python", "-m", "actions.server", "--port", "5055"]

FROM base AS bot
CMD ["python", "-m", "bot"]
