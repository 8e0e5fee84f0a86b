"""What the LGPD actions say: the copy of a person's data, and what erasing does and keeps."""

from __future__ import annotations

from datetime import tzinfo

from consultoria.db import Person, Plantao, PrivacyRequest, TermAcceptance, TermVersion
from consultoria.presentation import describe, local_moment
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
ASK_ERASURE = (
    "Posso apagar o histórico desta conversa e os telefones de contato de plantões "
    f"já encerrados ou cancelados. {KEPT} Confirma a exclusão?"
)
ERASURE_BUTTONS = [
    {"title": "Sim, apagar", "payload": "/affirm"},
    {"title": "Não", "payload": "/deny"},
]
ERASED = (
    "Pronto: apaguei os telefones de contato de plantões encerrados, e o histórico "
    f"desta conversa é apagado assim que esta mensagem terminar. {KEPT}"
)


def _acceptance_line(answer: TermAcceptance, version: TermVersion | None, zone: tzinfo) -> str:
    verb = "aceito" if answer.accepted else "recusado"
    number = "" if version is None else f" versão {version.version}"
    return (
        f"• {Modality(answer.modality).label}{number}: {verb} em "
        f"{local_moment(answer.created_at, zone)} ({answer.channel})"
    )


def _plantao_line(plantao: Plantao, zone: tzinfo) -> str:
    phone = plantao.contact_phone or "apagado"
    return f"• {describe(plantao, zone)} Motivo: {plantao.reason}. Telefone: {phone}."


def _request_line(request: PrivacyRequest, zone: tzinfo) -> str:
    kind = "cópia dos dados" if request.kind == "export" else "exclusão"
    return f"• {kind} em {local_moment(request.requested_at, zone)}"


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
        "Pedidos LGPD": [_request_line(request, zone) for request in data.requests],
    }
    return _summary(data.person, sections)
