"""What the load benchmark replays: one user's conversations, and what a level records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.e2e.test_booking import saturday_ahead as e2e_saturday


def saturday_ahead(offset_weeks: int) -> date:
    return e2e_saturday() + timedelta(weeks=offset_weeks)


def conversations(user: int) -> list[list[str]]:
    """What one user says, conversation by conversation. Payloads are what buttons send."""
    day = saturday_ahead(user % 8)
    return [
        [
            "oi",
            "quanto fica 45 minutos de consultoria telefônica?",
            "e se forem 2 especialistas?",
            "o plantão é cobrado mesmo se ninguém ligar?",
            "obrigado",
        ],
        [
            "o suporte não conseguiu simular, só acontece aqui",
            "quanto custa um plantão no sábado das 8 às 18 se eu encerrar às 10h?",
            "quanto custa o minuto?",
            "quero falar com um atendente",
        ],
        [
            f"quero agendar um plantão {day:%d/%m/%Y} das 8 às 18",
            '/inform{"perfil": "cliente"}',
            "1",
            "virada de versão do Protheus",
            "(11) 91234-5678",
            "/affirm",
            "meus plantões",
        ],
    ]


@dataclass
class Level:
    users: int
    latencies_ms: list[float] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    parse_seconds: float = 0.0
    errors: int = 0
