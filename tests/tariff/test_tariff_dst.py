"""Minutes are counted on absolute time (SPEC §4): in a zone with daylight saving, a window
across the change bills the minutes that really passed, not the wall-clock difference."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from consultoria.tariff import PriceTable, TariffRules, quote_plantao

NEW_YORK = ZoneInfo("America/New_York")
# São Paulo kept daylight saving until 2019: clocks jumped from 00:00 to 01:00 on 04/11/2018.
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def new_york(rules: TariffRules) -> TariffRules:
    return dataclasses.replace(
        rules, calendar=dataclasses.replace(rules.calendar, timezone=NEW_YORK)
    )


def local(text: str, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def test_the_night_the_clocks_go_forward_has_an_hour_less(
    new_york: TariffRules, table: PriceTable
) -> None:
    # Saturday 20:00 to Sunday 08:00; on 08/03/2026 New York skips 02:00-03:00.
    start, end = local("2026-03-07 20:00"), local("2026-03-08 08:00")
    full = quote_plantao(start, end, specialists=1, table=table, rules=new_york)
    assert [d.billed_minutes for d in full.days] == [240, 420]
    assert (full.charged_minutes, full.amount) == (660, Decimal("2640.00"))
    assert (
        "Plantão de sáb., 07/03/2026 20:00 até dom., 08/03/2026 08:00: 660 min (11h)"
        in (full.lines[0])
    )
    # Ended at 06:00: five hours worked on Sunday, not six.
    early = quote_plantao(
        start, end, specialists=1, table=table, rules=new_york, ended_at=local("2026-03-08 06:00")
    )
    assert [(d.worked_minutes, d.billed_minutes) for d in early.days] == [(240, 240), (300, 300)]
    assert early.charged_minutes == 540


def test_the_night_the_clocks_go_back_has_an_hour_more(
    new_york: TariffRules, table: PriceTable
) -> None:
    # Sunday 01/11/2026 from midnight to 08:00: 01:00-02:00 happens twice.
    start, end = local("2026-11-01 00:00"), local("2026-11-01 08:00")
    full = quote_plantao(start, end, specialists=1, table=table, rules=new_york)
    assert full.charged_minutes == 540
    # The same window given as UTC instants bills the same.
    utc = quote_plantao(
        start.astimezone(timezone.utc),
        end.astimezone(timezone.utc),
        specialists=1,
        table=table,
        rules=new_york,
    )
    assert utc.charged_minutes == 540


def test_sao_paulo_daylight_saving_of_2018(rules: TariffRules, table: PriceTable) -> None:
    """The configured zone itself: a window over the 2018 change, priced as if the table were
    in force then (the price of 2026 moved back)."""
    earlier = PriceTable.of(
        tuple(
            dataclasses.replace(v, effective=v.effective.replace(year=2018)) for v in table.versions
        )
    )
    start, end = local("2018-11-03 20:00", SAO_PAULO), local("2018-11-04 08:00", SAO_PAULO)
    full = quote_plantao(start, end, specialists=1, table=earlier, rules=rules)
    assert [d.billed_minutes for d in full.days] == [240, 420]
    assert full.charged_minutes == 660
