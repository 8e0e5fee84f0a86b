"""Start, watch and stop the project's server processes.

The one process supervisor behind `make run`/`make serve` (scripts/serve.py), the end-to-end
stack (tests/stack.py) and the production-topology cluster of the scale tests and benchmarks
(tests/scale/cluster.py, tests/bench/topology.py). Standard library and httpx only: it runs in
the project venv, which has no Rasa.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

# How often a starting service is probed: soon enough to notice it is up, rarely enough not to
# slow down a Rasa that is still loading its model.
POLL_SECONDS = 0.3
# A service reached after the shared stop deadline still gets this long to exit cleanly.
MIN_GRACE = 1.0
# Enough of a log to show why a service died (a Python traceback, a port already in use).
LOG_TAIL_CHARS = 4000

# A readiness check: True once the service can do its job.
Probe = Callable[[], bool]


class StartupError(RuntimeError):
    """A service exited or was not ready in time while starting.

    `service` is the one being waited for and `exited` the one that died (None on a timeout),
    so a caller can word its own message: scripts/serve.py speaks Portuguese to its user.
    """

    def __init__(self, message: str, *, service: str = "", exited: str | None = None) -> None:
        super().__init__(message)
        self.service = service
        self.exited = exited


@dataclass(kw_only=True)
class Service:
    """One server process, named in messages and errors.

    It runs in its own session, hence its own process group: a stop reaches its whole tree
    (Rasa's Sanic workers, say), and a Ctrl-C in the terminal stays with the supervisor, which
    then stops the services in order. `log` None leaves it the terminal (the headless server).
    """

    name: str
    command: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    ready: Probe
    timeout: float
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} was never started")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> Service:
        """Spawn the process (again, after a kill or a stop) and return at once."""
        with _open_log(self.log) as out:
            self.process = subprocess.Popen(
                list(self.command),
                cwd=self.cwd,
                env=dict(self.env),
                start_new_session=True,
                stdout=out,
                stderr=None if out is None else subprocess.STDOUT,
            )
        return self

    def wait_ready(self, watch: Iterable[Service] = ()) -> float:
        """Seconds until the probe passes.

        Raises StartupError if this service, or one in `watch`, exits first (services that
        depend on each other are useless alone), or if `timeout` seconds pass.
        """
        others = [service for service in watch if service is not self]
        started = time.monotonic()
        while time.monotonic() - started < self.timeout:
            for service in (self, *others):
                if not service.running:
                    raise _exited(service, waited_for=self)
            if self.ready():
                return time.monotonic() - started
            time.sleep(POLL_SECONDS)
        raise StartupError(
            f"{self.name} was not ready after {self.timeout:.0f} s{self._tail()}",
            service=self.name,
        )

    def stop(self, grace: float) -> None:
        """SIGTERM to the process group, SIGKILL if it outlives `grace` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the process group, as a crash or an OOM kill would: no clean-up."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")[-chars:]

    def _tail(self) -> str:
        tail = self.log_tail()
        return f":\n{tail}" if tail else ""


@contextmanager
def _open_log(path: Path | None) -> Iterator[IO[bytes] | None]:
    # Appending: a service restarted by a fault test keeps the story of its previous run. The
    # child keeps its own descriptor, so ours closes right after the spawn.
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as out:
        yield out


def _exited(dead: Service, *, waited_for: Service) -> StartupError:
    status = (
        "was never started"
        if dead.process is None
        else f"exited with code {dead.process.returncode}"
    )
    during = "starting" if dead is waited_for else f"{waited_for.name} was starting"
    return StartupError(
        f"{dead.name} {status} while {during}{dead._tail()}",
        service=waited_for.name,
        exited=dead.name,
    )


def http_ready(url: str, accept: Callable[[httpx.Response], bool] | None = None) -> Probe:
    """A probe that passes once `url` answers 200 and `accept`, if given, likes the answer."""

    def probe() -> bool:
        try:
            response = httpx.get(url, timeout=2)
            return response.status_code == 200 and (accept is None or accept(response))
        except (httpx.HTTPError, ValueError):
            # Not listening yet, or a half-started server answering something else than JSON.
            return False

    return probe


def rasa_ready(base_url: str) -> Probe:
    """Rasa answers /status before its model is loaded, but names the model only once it is."""
    return http_ready(f"{base_url}/status", lambda response: bool(response.json().get("model_id")))


def start_all(services: Sequence[Service], watch: Iterable[Service] = ()) -> None:
    """Spawn every service, then wait for each in order.

    Spawning first lets slow starters (Rasa replicas loading their models) start in parallel;
    the wait watches all of them and `watch` too, so any death ends the start at once.
    """
    watched = [*watch, *services]
    for service in services:
        service.start()
    for service in services:
        service.wait_ready(watched)


def stop_all(services: Iterable[Service], grace: float) -> None:
    """Stop services one after another, in the given order, under one shared deadline.

    The shared deadline bounds the whole shutdown by `grace` (callers have their own timeouts:
    tests/stack.py gives scripts/serve.py 30 s); one reached late still gets MIN_GRACE.
    """
    deadline = time.monotonic() + grace
    for service in services:
        service.stop(max(MIN_GRACE, deadline - time.monotonic()))


class Supervisor:
    """Services started through it stop in reverse order when its `with` block ends, whether
    normally or by an exception (a failed start, Ctrl-C): the front ends go before what they
    call, and nothing outlives the block."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.services: list[Service] = []

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self, service: Service) -> Service:
        # Registered first: whatever happens next, the stop covers it.
        self.services.append(service)
        return service.start()

    def wait_ready(self, service: Service) -> float:
        """Seconds until `service` is ready; StartupError if any supervised service exits."""
        return service.wait_ready(self.services)

    def start_all(self, services: Sequence[Service]) -> None:
        """start_all() for services the supervisor will stop, watching those it already runs."""
        already = list(self.services)
        self.services.extend(services)
        start_all(services, watch=already)

    def wait_any_exit(self) -> Service:
        """Block until a supervised service exits (the foreground of a headless server)."""
        while True:
            for service in self.services:
                if not service.running:
                    return service
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        stop_all(reversed(self.services), self.grace)


@contextmanager
def running(services: Sequence[Service], grace: float) -> Iterator[Sequence[Service]]:
    """Start `services` in order, wait until all are ready, and stop them in reverse order when
    the block ends, on error included."""
    with Supervisor(grace) as supervisor:
        supervisor.start_all(services)
        yield services
