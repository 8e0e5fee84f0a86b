"""`python -m bot`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import build_application, run
from bot.logs import configure_logging
from bot.settings import SettingsError, load_bot_settings
from bot.terminal import NoStaff, chat
from consultoria import runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--staff", action="store_true", help="conversa no terminal como membro da equipe"
    )
    parser.add_argument("--ready-file", type=Path, help="criado quando o bot está no ar")
    args = parser.parse_args(argv)
    try:
        settings = load_bot_settings()
    except SettingsError as exc:
        sys.stderr.write(f"bot: {exc}\n")
        return 2
    if settings.token is None:
        try:
            chat(settings.rasa_url, secret=settings.signing_secret, staff=args.staff)
        except NoStaff as exc:
            sys.stderr.write(f"bot: {exc}\n")
            return 2
        return 0
    webhook_secret = settings.webhook.secret if settings.webhook else ""
    configure_logging([settings.token, webhook_secret, settings.signing_secret or ""])
    run(build_application(settings, runtime.sessions(), args.ready_file), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
