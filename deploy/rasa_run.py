"""The Rasa container's command: `rasa run` through rasa_runtime (the project's patched CLI),
with the HTTP API token read from RASA_API_TOKEN inside this process.

Rasa takes the token only as `--auth-token`; put on the container's command line it would show
in `ps`, /proc/<pid>/cmdline and `docker inspect`. Arguments set here, in the process, do not.
Without RASA_API_TOKEN the HTTP API runs unprotected, as `rasa run` does.
"""

from __future__ import annotations

import os
import sys

ARGUMENTS = [
    "run",
    "--enable-api",
    "--port",
    "5005",
    "--model",
    "models/assistente.tar.gz",
    "--credentials",
    "credentials.yml",
    "--endpoints",
    "deploy/endpoints.production.yml",
]


def arguments(environ: dict[str, str]) -> list[str]:
    """Rasa's arguments, the token among them when one is set."""
    token = environ.get("RASA_API_TOKEN", "")
    return [*ARGUMENTS, *(["--auth-token", token] if token else [])]


if __name__ == "__main__":
    from rasa_runtime.__main__ import main

    sys.argv = ["rasa", *arguments(dict(os.environ))]
    main()
