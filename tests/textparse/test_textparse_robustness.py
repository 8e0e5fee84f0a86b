"""Any text: the parsers answer a value or None, never raise, and a window is never empty."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from consultoria.textparse import (
    parse_count,
    parse_day,
    parse_duration_minutes,
    parse_end_time,
    parse_ref,
    parse_window,
)

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
VOCABULARY = (
    "sábado sexta hoje amanhã fds dia de da das do às as a até e entre meia meio-dia "
    "meia-noite noite manhã madrugada tarde próximo que vem encerrar cancelar agora h hs min "
    "minutos hora horas 0 1 2 8 10 12 18 20 22 23 24 25 31 99 06/03 31/02 2027 8:00 22h30 "
    "1h30 , - ? P-0042 plantão especialistas dois vinte cinco um uma dez de dez 1,5 15 março"
)
WORDS = VOCABULARY.split()
chat = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join))


@given(chat)
def test_parsers_never_raise(text: str) -> None:
    window = parse_window(text, NOW)
    if window is not None:
        assert window.start < window.end <= window.start + timedelta(days=400)
        assert window.start.tzinfo is TZ
        end = parse_end_time(text, window, NOW)
        assert end is None or end.tzinfo is TZ
    day = parse_day(text, NOW)
    assert day is None or isinstance(day, type(NOW.date()))
    minutes = parse_duration_minutes(text)
    assert minutes is None or minutes >= 0
    count = parse_count(text)
    assert count is None or count >= 0
    ref = parse_ref(text)
    assert ref is None or ref.startswith("P-")
