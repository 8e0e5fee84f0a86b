"""Run the assistant: the action server, Rasa (REST channel, HTTP API) and, with a
TELEGRAM_BOT_TOKEN, the Telegram bot.

Trains first if the data changed, waits until each process is ready, and stops them all
cleanly on SIGTERM or Ctrl-C. With --chat and no token, a terminal chat talks to the assistant
in the foreground (`make run`); --staff makes that chat talk as the first roster member.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import RASA_SERVER, ROOT, ensure_model, rasa_env

STARTUP_TIMEOUT = 180.0


class Stack:
    def __init__(self, rasa_port: int, actions_port: int, log_dir: Path | None = None) -> None:
        """`log_dir`: where the servers write, instead of the terminal (which the chat needs)."""
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self, model: Path) -> None:
        python = ROOT / ".venv" / "bin" / "python"
        self._spawn(
            "ações",
            "acoes",
            [
                str(python),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(self.actions_port),
            ],
            # The LGPD erasure calls Rasa's HTTP API (actions/privacy.py).
            dict(os.environ) | {"RASA_API_URL": self.rasa_url},
        )
        env = rasa_env() | {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook"}
        self._spawn(
            "Rasa",
            "rasa",
            [
                *RASA_SERVER,
                "run",
                "--enable-api",
                # Local only: the REST channel trusts the metadata its front ends send.
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
            env,
        )
        self._wait("servidor de ações", _answers(f"http://127.0.0.1:{self.actions_port}/health"))
        self._wait(
            "Rasa",
            _answers(f"{self.rasa_url}/status", lambda r: bool(r.json().get("model_id"))),
        )

    def start_bot(self, ready_file: Path) -> None:
        """The Telegram bot (the token comes from the environment), ready once it set its menu."""
        python = ROOT / ".venv" / "bin" / "python"
        self._spawn(
            "bot do Telegram",
            "bot",
            [str(python), "-m", "bot", "--ready-file", str(ready_file)],
            dict(os.environ) | {"RASA_URL": self.rasa_url},
        )
        self._wait("bot do Telegram", ready_file.exists)

    def _spawn(self, label: str, name: str, command: list[str], env: dict[str, str]) -> None:
        print(f">> iniciando {label}...", flush=True)
        log = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log = (self.log_dir / f"{name}.log").open("ab")
            self.logs.append(log)
        # Own process group, so a stop reaches the whole tree and Ctrl-C is ours to handle.
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=None if log is None else subprocess.STDOUT,
            )
        )

    def _wait(self, label: str, ready: Callable[[], bool]) -> None:
        started = time.monotonic()
        while time.monotonic() - started < STARTUP_TIMEOUT:
            for process in self.processes:
                if process.poll() is not None:
                    where = f"; veja {self.log_dir.relative_to(ROOT)}/" if self.log_dir else ""
                    raise RuntimeError(f"{label}: um processo terminou ao iniciar{where}")
            if ready():
                print(f">> {label} pronto em {time.monotonic() - started:.1f} s", flush=True)
                return
            time.sleep(0.5)
        raise RuntimeError(f"{label} não ficou pronto em {STARTUP_TIMEOUT:.0f} s")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.logs:
            log.close()
        print(">> serviços encerrados", flush=True)

    def wait(self) -> None:
        while all(p.poll() is None for p in self.processes):
            time.sleep(0.5)
        raise RuntimeError("um dos serviços terminou inesperadamente")


def _answers(url: str, ready: Callable[[httpx.Response], bool] | None = None) -> Callable[[], bool]:
    def check() -> bool:
        try:
            response = httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and (ready is None or ready(response))

    return check


def _interrupt(_signum: int, _frame: object) -> None:
    # SIGTERM behaves like Ctrl-C: unwind through `finally` and stop the children.
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument(
        "--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055"))
    )
    parser.add_argument("--chat", action="store_true", help="conversa no terminal (sem token)")
    parser.add_argument("--staff", action="store_true", help="na conversa, falar como a equipe")
    args = parser.parse_args()
    telegram = bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())

    chatting = args.chat and not telegram
    # The chat owns the terminal: the servers write to var/log/ instead.
    stack = Stack(args.rasa_port, args.actions_port, ROOT / "var" / "log" if chatting else None)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="consultoria-serve-") as tmp:
            stack.start(ensure_model())
            if telegram:
                stack.start_bot(Path(tmp) / "bot.ready")
            if chatting:
                print(">> registros dos servidores em var/log/", flush=True)
                from bot.terminal import NoStaff, chat  # noqa: PLC0415

                try:
                    chat(stack.rasa_url, staff=args.staff)
                except NoStaff as exc:
                    raise RuntimeError(str(exc)) from None
            else:
                bot = "; bot do Telegram no ar" if telegram else ""
                print(
                    f">> assistente no ar: {stack.rasa_url}/webhooks/rest/webhook{bot}", flush=True
                )
                stack.wait()
    except KeyboardInterrupt:
        pass
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f">> erro: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
