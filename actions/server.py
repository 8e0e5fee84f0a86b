"""`python -m actions.server`: rasa_sdk's action server (same options as `python -m rasa_sdk`,
`--actions actions` by default), on loopback unless ACTIONS_HOST names another interface, and
only with the secret that proves who is talking (SPEC §6).

The action server trusts what its caller sends, so it belongs on loopback or a private network
(the containers set ACTIONS_HOST=0.0.0.0 on theirs).
"""

from __future__ import annotations

import logging
import os
import sys

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from consultoria import identity

HOST_VARIABLE = "ACTIONS_HOST"
DEFAULT_HOST = "127.0.0.1"
# Libraries whose INFO lines hold request URLs, and Rasa 3.6's HTTP API takes its token only in
# the query string (`?token=`): the LGPD erasure's calls would put it in the log.
QUIET_LOGGERS = ("httpx", "httpcore")


def _secret_problem() -> str | None:
    """Why the action server must not start, in pt-BR and English, or None."""
    try:
        secret = identity.secret_from(os.environ)
    except identity.SecretError as exc:
        return str(exc)
    if secret is None:
        return (
            f"{identity.SECRET_VARIABLE} é obrigatório: o segredo que o bot do Telegram e a "
            "conversa no terminal usam para assinar quem fala (make run e make serve criam um "
            f"local). / {identity.SECRET_VARIABLE} is required: the secret the front ends sign "
            "who is talking with."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = create_argument_parser()
    parser.set_defaults(actions="actions")
    args = parser.parse_args(argv)
    problem = _secret_problem()
    if problem is not None:
        sys.stderr.write(f"servidor de ações: {problem}\n")
        return 2
    # rasa_sdk's run() reads its host from SANIC_HOST alone, and defaults to every interface.
    os.environ["SANIC_HOST"] = os.environ.get(HOST_VARIABLE, "").strip() or DEFAULT_HOST
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    main_from_args(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
