"""What the LGPD actions say: the copy of a person's data, and what erasing does and keeps."""

from __future__ import annotations

from datetime import datetime, tzinfo

from consultoria.db import (
    Appointment,
    Person,
    Plantao,
    PrivacyRequest,
    TermAcceptance,
    TermVersion,
    format_appointment_ref,
)
from consultoria.presentation import (
    describe,
    describe_appointment,
    hour_bank_movement,
    local_moment,
)
from consultoria.services.privacy import PersonalData
from consultoria.tariff import Modality

ROLES_PT = {"customer": "cliente", "consultant": "consultor(a)", "staff": "equipe"}
KEPT = (
    "Por obrigação legal, mantivemos seus aceites e recusas de Termos e os registros de plantões "
    "e cobranças (referência, datas, valores e histórico), com seu nome e identificador no canal, "
    "e os telefones de plantões que ainda vão acontecer."
)
NO_RECORD = (
    "Não temos nenhum cadastro seu: guardamos apenas o histórico desta "
    'conversa. Para apagá-lo, diga "apagar meus dados".'
)
# An erasure not verified yet may be running, or have failed and wait for the next request.
NOT_DONE_YET = 'ainda não foi concluída; se continuar assim, diga "apagar meus dados" de novo'
ASK_ERASURE = (
    "Posso apagar o histórico desta conversa e os telefones de contato de plantões "
    "já encerrados ou cancelados e de consultorias técnicas canceladas. "
    f"{KEPT} Confirma a exclusão?"
)
# An unsigned message in a conversation a front end signed before: not the channel user's own.
ERASURE_NOT_YOURS = (
    "Esta conversa pertence a uma pessoa identificada pelo Telegram, e esta mensagem não veio "
    "do Telegram: por segurança, só ela pode pedir a exclusão, pelo próprio Telegram. Nada foi "
    "apagado."
)
ERASURE_BUTTONS = [
    {"title": "Sim, apagar", "payload": "/affirm"},
    {"title": "Não", "payload": "/deny"},
]


def no_record(erasure_pending_since: datetime | None, zone: tzinfo) -> str:
    """For someone with no record: the conversation is all we keep, or still being erased."""
    if erasure_pending_since is None:
        return NO_RECORD
    return (
        "Não temos nenhum cadastro seu. A exclusão do histórico desta conversa que você pediu em "
        f"{local_moment(erasure_pending_since, zone)} {NOT_DONE_YET}."
    )


def erasure_started(phones_erased: int, appointment_phones_erased: int = 0) -> str:
    """The answer to the confirmation. The conversation can only be erased after this turn is
    saved, so it says what is already done and how to learn when the rest is."""
    if phones_erased == 1:
        phones = "Apaguei o telefone de contato de 1 plantão encerrado ou cancelado."
    elif phones_erased:
        phones = (
            f"Apaguei os telefones de contato de {phones_erased} plantões encerrados ou cancelados."
        )
    else:
        phones = "Não havia telefones de contato de plantões encerrados ou cancelados para apagar."
    if appointment_phones_erased:
        phones += (
            " Apaguei também o telefone de contato de "
            f"{appointment_phones_erased} consultoria(s) técnica(s) cancelada(s)."
        )
    return (
        f"{phones} O histórico desta conversa guardado pelo assistente será apagado logo depois "
        "desta mensagem, e então eu confiro se nada dele ficou guardado. Para saber se a "
        f'exclusão foi concluída, diga "quero meus dados". {KEPT}'
    )


def _acceptance_line(answer: TermAcceptance, version: TermVersion | None, zone: tzinfo) -> str:
    verb = "aceito" if answer.accepted else "recusado"
    number = "" if version is None else f" versão {version.version}"
    what = "" if answer.ticket is None else f", ticket {answer.ticket}"
    if answer.appointment_id is not None:
        what = f", consultoria {format_appointment_ref(answer.appointment_id)}"
    return (
        f"• {Modality(answer.modality).label}{number}{what}: {verb} em "
        f"{local_moment(answer.created_at, zone)} ({answer.channel})"
    )


def _plantao_line(plantao: Plantao, zone: tzinfo) -> str:
    phone = plantao.contact_phone or "apagado"
    return f"• {describe(plantao, zone)} Motivo: {plantao.reason}. Telefone: {phone}."


def _appointment_line(appointment: Appointment, zone: tzinfo) -> str:
    phone = appointment.contact_phone or "apagado"
    return f"• {describe_appointment(appointment, zone)} Telefone: {phone}."


def _request_line(request: PrivacyRequest, zone: tzinfo) -> str:
    asked = local_moment(request.requested_at, zone)
    if request.kind == "export":
        return f"• cópia dos dados em {asked}"
    if request.completed_at is None:
        return f"• exclusão do histórico pedida em {asked}: {NOT_DONE_YET}"
    done = local_moment(request.completed_at, zone)
    return f"• exclusão do histórico pedida em {asked}: histórico apagado e conferido em {done}"


def _summary(person: Person, sections: dict[str, list[str]]) -> str:
    unit = f", unidade {person.unit}" if person.unit else ""
    lines = [
        "Estes são os dados que guardamos sobre você:",
        f"• Identificação: canal {person.channel}, identificador {person.channel_user_id}, "
        f'nome "{person.name or "não informado"}", perfil {ROLES_PT[person.role]}{unit}.',
    ]
    for title, items in sections.items():
        lines += ["", f"{title}:", *(items or ["• nenhum"])]
    lines += [
        "",
        "Além disso, o histórico desta conversa fica guardado pelo assistente. Para apagá-lo, "
        'diga "apagar meus dados".',
    ]
    return "\n".join(lines)


def personal_data(data: PersonalData, zone: tzinfo) -> str:
    """The readable copy of what is stored about the person, in the configured zone."""
    sections = {
        "Aceites de Termos": [_acceptance_line(a, v, zone) for a, v in data.answers],
        "Plantões": [_plantao_line(plantao, zone) for plantao in data.plantoes],
        "Consultorias técnicas": [_appointment_line(a, zone) for a in data.appointments],
        "Pedidos LGPD": [_request_line(request, zone) for request in data.requests],
    }
    if data.hour_bank:  # most people have none: no empty section for them
        sections["Banco de horas"] = [f"• {hour_bank_movement(e, zone)}" for e in data.hour_bank]
    return _summary(data.person, sections)
