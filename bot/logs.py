"""Logging for the bot: HTTP request lines (they carry the token in the URL) kept quiet, and the
token masked in anything that still mentions it."""

from __future__ import annotations

import logging

MASK = "<token>"


class RedactToken(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, MASK)
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info: format now, masked.
            formatter = logging.Formatter()
            text = formatter.formatException(record.exc_info)
            for secret in self._secrets:
                text = text.replace(secret, MASK)
            record.exc_info, record.exc_text = None, text
        return True


def configure_logging(secrets: list[str], level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore", "telegram.request", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
