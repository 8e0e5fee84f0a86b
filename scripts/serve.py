"""Run the assistant: the action server, Rasa (REST channel, HTTP API) and, with a
TELEGRAM_BOT_TOKEN, the Telegram bot.

Trains first if the data changed, waits until each process is ready, and stops them all
cleanly on SIGTERM or Ctrl-C. With --chat and no token, a terminal chat talks to the assistant
in the foreground (`make run`); --staff makes that chat talk as the first roster member.

The front ends sign who is talking with CHANNEL_SIGNING_SECRET, shared with the action server
through the environment; without one, a local secret is made once and kept in var/.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from consultoria import identity

sys.path.insert(0, str(Path(__file__).resolve().parent))
from supervise import Probe, Service, StartupError, Supervisor, http_ready, rasa_ready
from train import RASA_SERVER, ROOT, ensure_model, rasa_env

STARTUP_TIMEOUT = 180.0
# How long the servers together get to exit on SIGTERM before a SIGKILL.
STOP_GRACE = 15.0
PYTHON = ROOT / ".venv" / "bin" / "python"
# The local signing secret, readable by its owner alone, reused by every run on this machine.
LOCAL_SECRET = ROOT / "var" / "channel-signing-secret"


def _local_secret() -> str:
    """Made once, readable by its owner alone, and reused by every later run."""
    kept = LOCAL_SECRET.read_text(encoding="utf-8").strip() if LOCAL_SECRET.exists() else ""
    if len(kept) >= identity.MIN_SECRET_LENGTH:
        return kept
    LOCAL_SECRET.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(32)
    descriptor = os.open(LOCAL_SECRET, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(made)
    return made


def signing_secret() -> str:
    """CHANNEL_SIGNING_SECRET, else the local one; never printed, passed on by environment."""
    try:
        return identity.secret_from(os.environ) or _local_secret()
    except identity.SecretError as exc:
        raise RuntimeError(str(exc)) from None


class Stack:
    def __init__(
        self,
        supervisor: Supervisor,
        rasa_port: int,
        actions_port: int,
        log_dir: Path | None,
        secret: str,
    ) -> None:
        """`log_dir`: where the servers write, instead of the terminal (which the chat needs);
        `secret`: what the front ends sign who is talking with."""
        self.supervisor = supervisor
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.log_dir = log_dir
        self.secret = secret

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self, model: Path) -> None:
        actions_url = f"http://127.0.0.1:{self.actions_port}"
        actions = self._service(
            "servidor de ações",
            "acoes",
            # On loopback unless ACTIONS_HOST says otherwise (actions/server.py).
            [str(PYTHON), "-m", "actions.server", "--port", str(self.actions_port)],
            # The LGPD erasure calls Rasa's HTTP API (actions/privacy.py).
            self._signed_env() | {"RASA_API_URL": self.rasa_url},
            http_ready(f"{actions_url}/health"),
        )
        rasa = self._service(
            "Rasa",
            "rasa",
            [
                *RASA_SERVER,
                "run",
                "--enable-api",
                # Local only: the REST channel and the HTTP API are for the front ends.
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--model",
                str(model),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            rasa_env() | {"ACTION_ENDPOINT_URL": f"{actions_url}/webhook"},
            rasa_ready(self.rasa_url),
        )
        # Both spawn before either is waited for: the action server is up while Rasa loads.
        self._spawn("ações", actions)
        self._spawn("Rasa", rasa)
        self._wait(actions)
        self._wait(rasa)

    def start_bot(self, ready_file: Path) -> None:
        """The Telegram bot (the token comes from the environment), ready once it set its menu."""
        bot = self._service(
            "bot do Telegram",
            "bot",
            [str(PYTHON), "-m", "bot", "--ready-file", str(ready_file)],
            self._signed_env() | {"RASA_URL": self.rasa_url},
            ready_file.exists,
        )
        self._spawn("bot do Telegram", bot)
        self._wait(bot)

    def wait(self) -> None:
        self.supervisor.wait_any_exit()
        raise RuntimeError("um dos serviços terminou inesperadamente")

    def _signed_env(self) -> dict[str, str]:
        """The environment of the processes that sign or check who is talking."""
        return dict(os.environ) | {identity.SECRET_VARIABLE: self.secret}

    def _service(
        self, name: str, log_name: str, command: list[str], env: dict[str, str], ready: Probe
    ) -> Service:
        log = None if self.log_dir is None else self.log_dir / f"{log_name}.log"
        return Service(
            name=name,
            command=command,
            env=env,
            cwd=ROOT,
            ready=ready,
            timeout=STARTUP_TIMEOUT,
            log=log,
        )

    def _spawn(self, label: str, service: Service) -> None:
        print(f">> iniciando {label}...", flush=True)
        self.supervisor.start(service)

    def _wait(self, service: Service) -> None:
        try:
            elapsed = self.supervisor.wait_ready(service)
        except StartupError as exc:
            # The supervisor's message is for developers; the person at the terminal gets ours.
            raise RuntimeError(self._explain(exc)) from None
        print(f">> {service.name} pronto em {elapsed:.1f} s", flush=True)

    def _explain(self, error: StartupError) -> str:
        if error.exited is None:
            return f"{error.service} não ficou pronto em {STARTUP_TIMEOUT:.0f} s"
        where = f"; veja {self.log_dir.relative_to(ROOT)}/" if self.log_dir else ""
        return f"{error.service}: um processo terminou ao iniciar{where}"


def _interrupt(_signum: int, _frame: object) -> None:
    # SIGTERM behaves like Ctrl-C: unwind through the supervisor, which stops the children.
    raise KeyboardInterrupt


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument(
        "--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055"))
    )
    parser.add_argument("--chat", action="store_true", help="conversa no terminal (sem token)")
    parser.add_argument("--staff", action="store_true", help="na conversa, falar como a equipe")
    return parser.parse_args()


def _serve(stack: Stack, tmp: Path, *, telegram: bool, chatting: bool, staff: bool) -> None:
    stack.start(ensure_model())
    if telegram:
        stack.start_bot(tmp / "bot.ready")
    if chatting:
        print(">> registros dos servidores em var/log/", flush=True)
        from bot.terminal import NoStaff, chat  # noqa: PLC0415

        try:
            chat(stack.rasa_url, secret=stack.secret, staff=staff)
        except NoStaff as exc:
            raise RuntimeError(str(exc)) from None
    else:
        bot = "; bot do Telegram no ar" if telegram else ""
        print(f">> assistente no ar: {stack.rasa_url}/webhooks/rest/webhook{bot}", flush=True)
        stack.wait()


def main() -> int:
    args = _arguments()
    telegram = bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())
    chatting = args.chat and not telegram
    # The chat owns the terminal: the servers write to var/log/ instead.
    log_dir = ROOT / "var" / "log" if chatting else None
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # Leaving this block, by any way, stops the servers (in reverse order of their start).
        with (
            Supervisor(STOP_GRACE) as supervisor,
            tempfile.TemporaryDirectory(prefix="consultoria-serve-") as tmp,
        ):
            stack = Stack(supervisor, args.rasa_port, args.actions_port, log_dir, signing_secret())
            _serve(stack, Path(tmp), telegram=telegram, chatting=chatting, staff=args.staff)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f">> erro: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        print(">> serviços encerrados", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
