"""Per-turn latency through Rasa's REST channel (actions and database included), sequential."""

from __future__ import annotations

import sys
import time

from tests.bench.results import latency_ms, write
from tests.e2e.rest import Conversation
from tests.stack import running_stack

SCRIPT = (
    "oi",
    "quanto fica 45 minutos de consultoria telefônica?",
    "e se forem 2 especialistas?",
    "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?",
    "o plantão é cobrado mesmo se ninguém ligar?",
    "o suporte não conseguiu simular, só acontece aqui",
    "quanto custa o minuto?",
    "quero falar com um atendente",
    "obrigado",
)
ROUNDS = 10


def main() -> int:
    samples: list[float] = []
    with running_stack() as url:
        Conversation(url).say("oi")  # warm-up: first parse loads lazy parts of the model
        for _ in range(ROUNDS):
            talk = Conversation(url)
            for message in SCRIPT:
                started = time.perf_counter()
                talk.say(message)
                samples.append((time.perf_counter() - started) * 1000)
    result = {"turns": len(samples), **latency_ms(samples)}
    write("rest_latency", result)
    print(f"REST channel, sequential: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
