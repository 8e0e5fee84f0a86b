"""What the bot says about the Terms of services that start outside the bot (SPEC §2, §5): the
Consultoria do Suporte accepted for a Support ticket, and the Consultoria Telefônica activated
in business hours."""

from __future__ import annotations

from collections.abc import Mapping

TICKET_GAVE_UP = (
    "Não consegui entender o número do ticket, então parei por aqui e nada foi registrado. "
    'Quando tiver o número, diga por exemplo: "aceito a consultoria do suporte no ticket '
    '18234567", ou fale com a nossa equipe.'
)
TICKET_GAVE_UP_BUTTONS = [{"title": "Falar com um atendente", "payload": "/human_handoff"}]
TERM_UPDATED = "O Termo foi atualizado desde que eu o mostrei: veja a versão nova."
# What the person answers for, by the question's `modalidade`.
SERVICES = {"suporte": "Consultoria do Suporte", "telefonica": "Consultoria Telefônica"}


def ticket_again(digits: range) -> str:
    return (
        f"O número do ticket tem só dígitos, de {min(digits)} a {max(digits)} (por exemplo, "
        "18234567). Qual é o número do ticket em que o Suporte ofereceu a Consultoria do Suporte?"
    )


def ticket_summary(ticket: str, unit: str | None) -> str:
    """What the person is about to answer the Term for, and who pays."""
    billed = (
        f"a cobrança vai para a sua unidade, {unit}, por ser um pedido de consultor(a)"
        if unit
        else "a cobrança é feita à sua empresa"
    )
    return (
        f"Consultoria do Suporte no ticket {ticket}: a análise do seu ambiente começa depois do "
        f"aceite do Termo abaixo; {billed}."
    )


def already_accepted(service: str, version: int, ticket: str | None, when: str) -> str:
    """A repeated acceptance: recognised, not recorded again."""
    what = f"para o ticket {ticket} " if ticket else ""
    return (
        f"Seu aceite do Termo da {SERVICES[service]} (versão {version}) {what}já está "
        f"registrado em {when}: não registrei de novo."
    )


def accepted(service: str, version: int, ticket: str | None, when: str) -> str:
    if ticket:
        return (
            f"Aceite registrado em {when}: Termo da Consultoria do Suporte (versão {version}) "
            f"para o ticket {ticket}. A equipe da Consultoria foi avisada e a análise do seu "
            "ambiente pode começar; o andamento fica registrado no ticket."
        )
    return (
        f"Aceite registrado em {when}: Termo da {SERVICES[service]} (versão {version}). "
        "O especialista começa assim que você abrir o ticket como indicado acima."
    )


def refused(service: str, ticket: str | None) -> str:
    if ticket:
        return (
            f"Tudo bem: registrei que você não aceitou o Termo para o ticket {ticket}. A "
            "Consultoria do Suporte não será feita e nada será cobrado; a equipe foi avisada. "
            "O ticket segue no Suporte Padrão, sem custo adicional, que não analisa o seu ambiente."
        )
    return (
        "Tudo bem: registrei que você não aceitou o Termo; a Consultoria Telefônica não foi "
        "acionada e nada será cobrado. Para dúvidas de uso ou erros do sistema, o Suporte "
        "Padrão atende sem custo adicional, por ticket no Portal TOTVS."
    )


def telefonica_steps(figures: Mapping[str, str], portal_path: str) -> str:
    """How to activate the Consultoria Telefônica now, in business hours (SPEC §2, §5)."""
    return (
        "Para acionar a Consultoria Telefônica agora, em horário comercial "
        f"({figures['horario_comercial']}):\n"
        f'1. Abra um ticket no Portal TOTVS escolhendo "Consultoria Telefônica" como tipo da '
        f"solicitação ({portal_path}), ou acione pela Central telefônica.\n"
        "2. Um especialista assume o ticket e fala com você por telefone e acesso remoto.\n"
        f"A partir do acionamento, 100% do tempo registrado no ticket é cobrado ({figures['preco']}"
        f", por especialista, {figures['impostos']}), com mínimo de {figures['minimo']}. O serviço "
        "precisa estar contratado pela sua empresa."
    )


NO_REQUESTS = (
    "Você ainda não tem solicitações registradas: nenhum plantão, nenhuma consultoria técnica "
    "e nenhuma resposta a Termo de consultoria."
)


def answer_line(
    service: str,
    version: int,
    ticket: str | None,
    accepted: bool,
    when: str,
    outcome: str | None = None,
) -> str:
    """One answer to a service's Term, in the person's list of requests, with the outcome and
    charge staff recorded on its ticket, once they have."""
    what = f"{SERVICES[service]}, ticket {ticket}" if ticket else SERVICES[service]
    verdict = "Termo aceito" if accepted else "Termo recusado"
    line = f"{what} — {verdict} (versão {version}) em {when}."
    return line if outcome is None else f"{line} Resultado: {outcome}."


def my_requests(plantoes: list[str], answers: list[str], tecnica: list[str]) -> str:
    """The person's plantões, answers to the consultorias' Terms and Técnica appointments, one
    line each."""
    lines = ["Suas solicitações:"]
    if plantoes:
        lines += ["Plantões:", *(f"• {line}" for line in plantoes)]
    if answers:
        lines += ["Consultorias:", *(f"• {line}" for line in answers)]
    if tecnica:
        lines += ["Consultorias técnicas:", *(f"• {line}" for line in tecnica)]
    return "\n".join(lines)
