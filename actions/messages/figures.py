"""Configuration and price-table figures as pt-BR text for the response templates' slots and
the Terms' placeholders."""

from __future__ import annotations

from datetime import date

from consultoria.settings import WEEKDAYS, Settings
from consultoria.tariff import Modality, PriceTable, format_brl

_WEEKDAY_PT = {
    "mon": "segunda",
    "tue": "terça",
    "wed": "quarta",
    "thu": "quinta",
    "fri": "sexta",
    "sat": "sábado",
    "sun": "domingo",
}


def hours_text(minutes: int) -> str:
    """`2 horas`, `1 hora`, `90 minutos`, `10 minutos`."""
    if minutes % 60 == 0 and minutes:
        hours = minutes // 60
        return "1 hora" if hours == 1 else f"{hours} horas"
    return f"{minutes} minutos"


def _price(table: PriceTable, modality: Modality, today: date, hourly: bool = False) -> str:
    version = table.price_on(modality, today)
    if version is None or version.per_minute is None:
        return "conforme a tarifa do Termo"
    return format_brl(version.per_minute * 60 if hourly else version.per_minute)


def _rate(table: PriceTable, modality: Modality, today: date) -> str:
    price = _price(table, modality, today)
    if price.startswith("R$"):
        return f"{price} por minuto"
    return "cobrada por minuto conforme a tarifa do Termo"


def _weekday_range(days: list[int]) -> str:
    names = [_WEEKDAY_PT[WEEKDAYS[d]] for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"de {names[0]} a {names[-1]}"
    return " e ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def template_slots(settings: Settings, table: PriceTable, today: date) -> dict[str, str]:
    """Values for the `{cfg_*}` placeholders of the domain's responses."""
    rules = settings.tariff
    plantao = rules.plantao
    cal = rules.calendar
    short_days = sorted({plantao.daily_minimum_minutes[i] for i in range(4)})
    long_days = sorted({plantao.daily_minimum_minutes[i] for i in range(4, 7)})
    long_days = sorted({*long_days, plantao.holiday_minimum_minutes})
    return {
        "cfg_preco_minuto": _price(table, Modality.TELEFONICA, today),
        "cfg_preco_hora": _price(table, Modality.TELEFONICA, today, hourly=True),
        "cfg_tarifa_suporte": _rate(table, Modality.SUPORTE, today),
        "cfg_tarifa_tecnica": _rate(table, Modality.TECNICA, today),
        "cfg_minimo": hours_text(rules.minimum_minutes),
        "cfg_minimo_seg_qui": " a ".join(hours_text(m) for m in short_days),
        "cfg_minimo_sex_dom": " a ".join(hours_text(m) for m in long_days),
        "cfg_aviso_cancelamento": hours_text(
            int(plantao.free_cancellation_notice.total_seconds() // 60)
        ),
        "cfg_antecedencia": hours_text(int(plantao.short_notice.total_seconds() // 60)),
        "cfg_horario_comercial": (
            f"{_weekday_range(sorted(cal.business_weekdays))}, das {cal.business_start:%H:%M} "
            f"às {cal.business_end:%H:%M}, exceto feriados"
        ),
        "cfg_max_especialistas": str(plantao.max_specialists),
        "cfg_max_dias_plantao": f"{plantao.max_window.days} dias",
        "cfg_intervalo_reajuste": f"{rules.readjustment_interval_months} meses",
    }
