"""The bot's settings, from environment variables only (the token and the signing secret are
secrets: never logged)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from consultoria import identity

TELEGRAM_API = "https://api.telegram.org"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
# Telegram's rule for the webhook secret token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(ValueError):
    """A bad environment variable; the pt-BR message names it."""


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: Telegram posts to `url`; the local server checks the secret on each request."""

    url: str
    secret: str
    listen: str
    port: int

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.strip("/")


@dataclass(frozen=True)
class BotSettings:
    token: str | None
    api_base_url: str  # the Bot API server's root, e.g. https://api.telegram.org
    rasa_url: str
    webhook: Webhook | None = None
    # Signs who is talking in every message to Rasa (consultoria/identity.py); None: nothing
    # is signed, which only the terminal chat as a customer allows (load_bot_settings).
    signing_secret: str | None = None
    # One chat may send this many updates per window before the bot stops forwarding them.
    flood_max_updates: int = 12
    flood_window_seconds: float = 15.0
    outbox_interval_seconds: float = 5.0

    @property
    def bot_api_url(self) -> str:
        return f"{self.api_base_url}/bot"

    @property
    def file_api_url(self) -> str:
        return f"{self.api_base_url}/file/bot"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} deve ser um número inteiro (recebido: {raw!r}).") from None
    if value <= 0:
        raise SettingsError(f"{name} deve ser maior que zero.")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if urlsplit(value).scheme not in ("http", "https"):
        raise SettingsError(f"{name} deve ser uma URL http(s) (recebido: {value!r}).")
    return value.rstrip("/")


def _webhook(env: Mapping[str, str]) -> Webhook | None:
    url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
    if not url:
        return None
    if urlsplit(url).scheme != "https":
        raise SettingsError("TELEGRAM_WEBHOOK_URL deve ser uma URL https pública.")
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if not _SECRET.fullmatch(secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET é obrigatório no modo webhook: de 1 a 256 caracteres "
            "entre letras, números, _ e -."
        )
    return Webhook(
        url=url,
        secret=secret,
        listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        port=_int(env, "TELEGRAM_WEBHOOK_PORT", 8443),
    )


def _signing_secret(env: Mapping[str, str], token: str | None) -> str | None:
    try:
        secret = identity.secret_from(env)
    except identity.SecretError as exc:
        raise SettingsError(str(exc)) from None
    if secret is None and token is not None:
        # Unsigned, every Telegram user would be an anonymous REST customer, staff included.
        raise SettingsError(
            f"{identity.SECRET_VARIABLE} é obrigatório com TELEGRAM_BOT_TOKEN: o mesmo segredo "
            "do servidor de ações (make run e make serve criam um local)."
        )
    return secret


def load_bot_settings(env: Mapping[str, str] | None = None) -> BotSettings:
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    return BotSettings(
        token=token,
        api_base_url=_url(env, "TELEGRAM_API_BASE_URL", TELEGRAM_API),
        rasa_url=_url(env, "RASA_URL", DEFAULT_RASA_URL),
        webhook=_webhook(env),
        signing_secret=_signing_secret(env, token),
    )
