"""`consultoria`: quotes, price table, reports, Term texts and database upkeep from the shell
(the issue #2 contract; reports and Term texts from issue #14)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from consultoria import db, report_formats, runtime
from consultoria.presentation import hour_bank_movement
from consultoria.services import hour_bank, people, reports, review, term_texts
from consultoria.services.review import TRACKER_STORE_VARIABLE
from consultoria.settings import ConfigError, Settings, load_settings
from consultoria.tariff import (
    Inconsistency,
    Modality,
    PriceTable,
    Quote,
    RequestedBy,
    TariffError,
    WorkCalendar,
    accumulated_igpm,
    format_minutes,
    quote_plantao,
    quote_suporte,
    quote_tecnica,
    quote_telefonica,
)
from consultoria.textparse import TICKET_DIGITS

EXIT_USAGE = 2
EXIT_FAILURE = 1

# argparse speaks English; these turn its few error messages into one pt-BR line.
_ARGPARSE_PT = (
    (r"the following arguments are required: (.+)", r"faltam argumentos obrigatórios: \1"),
    (
        r"argument (\S+): invalid choice: (\S+) \(choose from (.+)\)",
        r"\1: opção \2 inválida (use \3)",
    ),
    (r"argument (\S+): expected one argument", r"\1: informe um valor"),
    (r"argument (\S+): expected (\d+) arguments?", r"\1: informe \2 valores"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 não pode ser usado junto com \2"),
    (r"one of the arguments (.+) is required", r"informe um destes argumentos: \1"),
    (r"unrecognized arguments: (.+)", r"argumentos não reconhecidos: \1"),
    (r"argument (\S+): (.+)", r"\1: \2"),
)


class UsageError(Exception):
    """Bad arguments: exit code 2 and one pt-BR line."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False  # our own -h, with a pt-BR help text
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opções"
        self.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_PT:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        raise UsageError(message)


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix or "uso: ")


def _type(convert: Callable[[str], object], problem: str) -> Callable[[str], object]:
    def parse(text: str) -> object:
        try:
            return convert(text)
        except (ValueError, InvalidOperation):
            raise argparse.ArgumentTypeError(f"{problem}: {text!r}") from None

    parse.__name__ = problem  # argparse names the type in some messages
    return parse


def _minutes(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", "."))
    if not value.is_finite():
        raise ValueError(text)
    return value


def _ticket(text: str) -> str:
    if not text.isdigit() or len(text) not in TICKET_DIGITS:
        raise ValueError(text)
    return text


MINUTES = _type(_minutes, "minutos inválidos (use um inteiro ≥ 0)")
SPECIALISTS = _type(_at_least_one, "número de especialistas inválido")
DAY = _type(date.fromisoformat, "data inválida (use AAAA-MM-DD)")
MOMENT = _type(
    lambda t: datetime.fromisoformat(t.strip().replace("Z", "+00:00")),
    "data e hora inválidas (use AAAA-MM-DDTHH:MM)",
)
PERCENT = _type(_decimal, "percentual inválido")
MONTH = _type(reports.Month.parse, "mês inválido (use AAAA-MM)")
VERSION = _type(_at_least_one, "versão inválida (use um inteiro ≥ 1)")
POSITIVE_MINUTES = _type(_at_least_one, "minutos inválidos (use um inteiro ≥ 1)")
TICKET = _type(
    _ticket, f"ticket inválido (use de {TICKET_DIGITS.start} a {TICKET_DIGITS.stop - 1} dígitos)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="consultoria", description="Cotações, tabela de preços e banco de dados.")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMANDO", parser_class=_Parser
    )
    _add_quote_commands(commands.add_parser("quote", help="calcula o valor de um serviço"))
    _add_price_commands(commands.add_parser("prices", help="tabela de preços"))
    _add_report_commands(commands.add_parser("report", help="relatórios do negócio"))
    _add_terms_commands(commands.add_parser("terms", help="textos dos Termos de aceite"))
    _add_hour_bank_commands(
        commands.add_parser("hour-bank", help="banco de horas (Consultoria Telefônica)")
    )
    database = commands.add_parser("db", help="banco de dados")
    db_commands = database.add_subparsers(
        dest="action", required=True, metavar="AÇÃO", parser_class=_Parser
    )
    db_commands.add_parser("upgrade", help="cria ou migra o esquema e sincroniza a configuração")
    return parser


def _add_quote_commands(quote: argparse.ArgumentParser) -> None:
    services = quote.add_subparsers(
        dest="service", required=True, metavar="SERVIÇO", parser_class=_Parser
    )
    plantao = services.add_parser("plantao", help="plantão 24x7")
    plantao.add_argument("--start", type=MOMENT, required=True, help="início (ISO 8601)")
    plantao.add_argument("--end", type=MOMENT, required=True, help="fim previsto (ISO 8601)")
    plantao.add_argument(
        "--ended-at", type=MOMENT, help="encerramento real; antes ou no início é um cancelamento"
    )
    plantao.add_argument("--specialists", type=SPECIALISTS, default=1)

    telefonica = services.add_parser("telefonica", help="Consultoria Telefônica")
    telefonica.add_argument("--minutes", type=MINUTES, required=True)
    telefonica.add_argument("--specialists", type=SPECIALISTS, default=1)
    telefonica.add_argument("--date", type=DAY, help="dia do atendimento (padrão: hoje)")
    telefonica.add_argument(
        "--hour-bank-minutes", type=MINUTES, help="saldo do banco de horas, em minutos"
    )

    suporte = services.add_parser("suporte", help="Consultoria do Suporte")
    suporte.add_argument("--minutes", type=MINUTES, required=True)
    suporte.add_argument(
        "--inconsistency",
        choices=[i.value for i in Inconsistency],
        required=True,
        help="desfecho da análise: none, published ou new",
    )
    tecnica = services.add_parser("tecnica", help="Consultoria Técnica")
    tecnica.add_argument("--minutes", type=MINUTES, required=True)
    for sub in (suporte, tecnica):
        sub.add_argument(
            "--requested-by",
            choices=[r.value for r in RequestedBy],
            default=RequestedBy.CUSTOMER.value,
        )
        sub.add_argument("--date", type=DAY, help="dia do atendimento (padrão: hoje)")
    for sub in (plantao, telefonica, suporte, tecnica):
        sub.add_argument("--json", action="store_true", help="saída em JSON")


def _add_price_commands(prices: argparse.ArgumentParser) -> None:
    price_commands = prices.add_subparsers(
        dest="action", required=True, metavar="AÇÃO", parser_class=_Parser
    )
    price_commands.add_parser("list", help="mostra todas as versões de preço")
    readjust = price_commands.add_parser("readjust", help="reajuste anual pelo IGP-M")
    readjust.add_argument("--modality", choices=[m.value for m in Modality], required=True)
    igpm = readjust.add_mutually_exclusive_group(required=True)
    igpm.add_argument("--igpm", type=PERCENT, help="IGP-M acumulado de 12 meses, em %%")
    igpm.add_argument(
        "--igpm-monthly",
        type=PERCENT,
        nargs=12,
        metavar="M",
        help="os 12 índices mensais, em %%, compostos",
    )
    readjust.add_argument("--effective", type=DAY, required=True, help="início da vigência")


def _add_report_commands(report: argparse.ArgumentParser) -> None:
    kinds = report.add_subparsers(
        dest="report", required=True, metavar="RELATÓRIO", parser_class=_Parser
    )
    month = kinds.add_parser(
        "plantoes", help="plantões com cobrança que começam no mês (horário de São Paulo)"
    )
    month.add_argument("--month", type=MONTH, required=True, help="o mês, AAAA-MM")
    answers = kinds.add_parser(
        "acceptances", help="aceites e recusas de Termos entre dois dias (inclusive)"
    )
    unanswered = kinds.add_parser(
        "unanswered", help="mensagens não entendidas entre dois dias, mascaradas e agrupadas"
    )
    for days in (answers, unanswered):
        days.add_argument("--from", dest="first", type=DAY, required=True, help="AAAA-MM-DD")
        days.add_argument("--to", dest="last", type=DAY, required=True, help="AAAA-MM-DD")
    usage = kinds.add_parser(
        "usage", help="conversas, turnos, taxas de fallback e de atendente e assuntos do mês"
    )
    usage.add_argument("--month", type=MONTH, required=True, help="o mês, AAAA-MM")
    for sub in (month, answers, unanswered, usage):
        sub.add_argument(
            "--format", choices=report_formats.FORMATS, default="table", help="padrão: table"
        )


def _add_terms_commands(terms: argparse.ArgumentParser) -> None:
    actions = terms.add_subparsers(
        dest="action", required=True, metavar="AÇÃO", parser_class=_Parser
    )
    actions.add_parser("list", help="versões dos Termos e o SHA-256 de cada texto apresentado")
    show = actions.add_parser(
        "show", help="o texto exato de uma versão, sem nada acrescentado (para recalcular o hash)"
    )
    show.add_argument("--version", type=VERSION, required=True, help="número da versão")
    show.add_argument("--modality", choices=[m.value for m in Modality], help="modalidade")
    show.add_argument(
        "--sha256", help="o hash registrado no aceite: mostra o texto apresentado com esse hash"
    )


def _add_hour_bank_commands(bank: argparse.ArgumentParser) -> None:
    actions = bank.add_subparsers(
        dest="action", required=True, metavar="AÇÃO", parser_class=_Parser
    )
    credit = actions.add_parser("credit", help="credita minutos comprados no banco do cliente")
    credit.add_argument("--minutes", type=POSITIVE_MINUTES, required=True)
    credit.add_argument("--note", help="de onde vem o crédito (contrato, pedido de compra)")
    use = actions.add_parser(
        "use", help="registra uma Consultoria Telefônica: desconta do saldo e cobra o excedente"
    )
    use.add_argument("--minutes", type=MINUTES, required=True, help="minutos registrados")
    use.add_argument("--specialists", type=SPECIALISTS, default=1)
    use.add_argument("--date", type=DAY, help="dia do atendimento (padrão: hoje)")
    use.add_argument("--ticket", type=TICKET, help="o ticket do atendimento")
    balance = actions.add_parser("balance", help="saldo e últimas movimentações")
    for sub in (credit, use, balance):
        sub.add_argument("--user-id", required=True, help="id do cliente no canal")
        sub.add_argument("--channel", default="telegram", help="canal (padrão: telegram)")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings()
        return _run(args, settings)
    except (UsageError, TariffError, ConfigError) as exc:
        print(f"consultoria: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as exc:
        if os.environ.get("CONSULTORIA_DEBUG"):
            raise
        print(
            f"consultoria: falha no banco de dados ({type(exc).__name__}); "
            "confira DATABASE_URL e rode `consultoria db upgrade`.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "db":
        url = db.database_url()
        db.upgrade(url)
        with db.unit_of_work(db.session_factory(db.make_engine(url))) as session:
            db.sync_config_prices(session, settings.prices)
            people.sync_staff(session, settings.staff)
        print(f"Banco de dados atualizado: {db.safe_url(url)}")
        return 0
    factory = db.open_database()
    with db.unit_of_work(factory) as session:
        db.sync_config_prices(session, settings.prices)
        if args.command in _SESSION_COMMANDS:
            return _SESSION_COMMANDS[args.command](args, settings, session)
        table = db.load_price_table(session)
        if args.command == "quote":
            return _print_quote(_quote(args, settings, table), as_json=args.json)
        if args.action == "list":
            return _print_prices(table, settings)
        return _readjust(args, settings, table, session)


def _quote(args: argparse.Namespace, settings: Settings, table: PriceTable) -> Quote:
    rules = settings.tariff
    cal = WorkCalendar(rules.calendar)
    today = datetime.now(cal.tz).date()
    if args.service == "plantao":
        return quote_plantao(
            args.start,
            args.end,
            specialists=args.specialists,
            table=table,
            rules=rules,
            ended_at=args.ended_at,
        )
    day = args.date or today
    if args.service == "telefonica":
        return quote_telefonica(
            args.minutes,
            day=day,
            table=table,
            rules=rules,
            specialists=args.specialists,
            hour_bank_minutes=args.hour_bank_minutes,
        )
    requested_by = RequestedBy(args.requested_by)
    if args.service == "suporte":
        return quote_suporte(
            args.minutes,
            inconsistency=Inconsistency(args.inconsistency),
            day=day,
            table=table,
            rules=rules,
            requested_by=requested_by,
        )
    return quote_tecnica(args.minutes, day=day, table=table, rules=rules, requested_by=requested_by)


def _print_quote(quote: Quote, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps(quote.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(quote.lines))
    return 0


def _print_prices(table: PriceTable, settings: Settings) -> int:
    today = datetime.now(settings.tariff.calendar.timezone).date()
    print("Tabela de preços (por minuto, por especialista, mais impostos):")
    for modality in Modality:
        current = table.price_on(modality, today)
        for version in table.history(modality):
            mark = " — em vigor" if version == current else ""
            print(f"  • {table.describe(version)}{mark}")
    return 0


def _readjust(
    args: argparse.Namespace, settings: Settings, table: PriceTable, session: db.Session
) -> int:
    igpm = args.igpm if args.igpm is not None else accumulated_igpm(args.igpm_monthly)
    _, version = table.readjust(Modality(args.modality), igpm, args.effective, settings.tariff)
    db.add_readjustment(session, version)
    print(f"Nova versão registrada: {table.describe(version)}")
    return 0


def _report(args: argparse.Namespace, settings: Settings, session: db.Session) -> int:
    rows, row_type = _report_rows(args, settings, session)
    # UTF-8 whatever the terminal's locale (SPEC §10).
    output = report_formats.render(args.format, row_type, rows)
    sys.stdout.buffer.write(output.encode("utf-8"))
    sys.stdout.flush()
    return 0


def _report_rows(
    args: argparse.Namespace, settings: Settings, session: db.Session
) -> tuple[Sequence[Any], type[Any]]:
    zone = settings.tariff.calendar.timezone
    if args.report == "plantoes":
        # The process clock, as the chat's: an operator may run it at a chosen instant.
        charged = reports.plantoes_of_month(
            session, args.month, now=runtime.now(), rules=settings.tariff
        )
        return charged, reports.PlantaoRow
    if args.report == "usage":
        return [review.usage_of_month(_tracker_store(), args.month, zone)], review.UsageRow
    if args.last < args.first:
        raise UsageError("--to: o último dia vem antes de --from")
    if args.report == "unanswered":
        review.forget_expired(session, runtime.now(), settings.review_retention_days)
        unanswered = review.unanswered_between(session, args.first, args.last, zone)
        return unanswered, review.UnansweredRow
    return reports.acceptances_between(session, args.first, args.last, zone), reports.AcceptanceRow


def _tracker_store() -> Engine:
    url = os.environ.get(TRACKER_STORE_VARIABLE, "").strip()
    if not url:
        raise UsageError(
            f"o relatório de uso lê o tracker store SQL do Rasa: defina {TRACKER_STORE_VARIABLE} "
            "com o endereço do banco dele (em produção, o mesmo das conversas)"
        )
    return db.make_engine(url)


def _hour_bank(args: argparse.Namespace, settings: Settings, session: db.Session) -> int:
    person = people.find_person(session, args.channel, args.user_id)
    if person is None:
        raise UsageError(
            f"ninguém com o id {args.user_id} no canal {args.channel} falou com o assistente; "
            "o cliente precisa conversar com ele antes"
        )
    who = _named(person)
    try:
        if args.action == "credit":
            hour_bank.credit(session, person, args.minutes, args.note)
            print(f"Crédito de {format_minutes(args.minutes)} para {who}.")
        elif args.action == "use":
            day = args.date or runtime.now().astimezone(settings.tariff.calendar.timezone).date()
            used = hour_bank.use_for_call(
                session,
                person,
                args.minutes,
                specialists=args.specialists,
                day=day,
                ticket=args.ticket,
                rules=settings.tariff,
            )
            print("\n".join(used.quote.lines))
    except hour_bank.HourBankError as exc:
        raise UsageError(f"{who}: {exc}") from None
    return _print_balance(session, person, settings)


def _named(person: db.Person) -> str:
    """ "Ana Cliente (telegram 70001)": the name people gave may be empty, the id never is."""
    channel_id = f"{person.channel} {person.channel_user_id}"
    return f"{person.name} ({channel_id})" if person.name else channel_id


def _print_balance(session: db.Session, person: db.Person, settings: Settings) -> int:
    left = hour_bank.balance(session, person.id)
    if left is None:
        print(f"{_named(person)} não tem banco de horas.")
        return 0
    print(f"Saldo do banco de horas de {_named(person)}: {format_minutes(left)}.")
    zone = settings.tariff.calendar.timezone
    for entry in hour_bank.movements(session, person.id):
        print(f"  {hour_bank_movement(entry, zone)}")
    return 0


def _terms(args: argparse.Namespace, _settings: Settings, session: db.Session) -> int:
    if args.action == "list":
        return _list_terms(session)
    if args.sha256:
        found = term_texts.by_sha256(session, args.sha256)
        if found is None or found[0].version != args.version:
            raise UsageError(f"nenhum texto da versão {args.version} tem o SHA-256 {args.sha256}")
        if args.modality and found[0].modality != args.modality:
            raise UsageError(f"o SHA-256 {args.sha256} é de um Termo de {found[0].modality}")
        text = found[1].text
    else:
        versions = term_texts.versions(session, args.version, args.modality)
        if len(versions) != 1:
            raise UsageError(_which_version(args.version, versions))
        text = versions[0].text
    # The exact bytes whose SHA-256 was recorded: no newline added.
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def _which_version(number: int, versions: Sequence[db.TermVersion]) -> str:
    if not versions:
        return f"não há versão {number} de Termo registrada (veja `consultoria terms list`)"
    modalities = ", ".join(v.modality for v in versions)
    return f"a versão {number} existe em mais de uma modalidade ({modalities}): use --modality"


def _list_terms(session: db.Session) -> int:
    for version in term_texts.all_versions(session):
        print(f"{version.modality} versão {version.version} — {version.title}")
        for shown in term_texts.shown_for(session, version):
            kind = "texto completo" if shown.sha256 == version.sha256 else "resumo apresentado"
            print(f"  {shown.sha256}  {kind}")
    return 0


# The commands that read or write the database, each in one unit of work.
_SESSION_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings, db.Session], int]] = {
    "report": _report,
    "terms": _terms,
    "hour-bank": _hour_bank,
}


if __name__ == "__main__":
    sys.exit(main())
