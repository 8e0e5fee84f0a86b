"""The real bot application, polling the fake Telegram server, talking to a scripted Rasa."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.handlers import (
    FLOOD_TEXT,
    NO_ANSWER,
    RETRY_TITLE,
    STAFF_ONLY,
    STALE_BUTTON,
    TEXT_ONLY,
    UNKNOWN_COMMAND,
)
from bot.rasa import UNAVAILABLE_TEXT
from bot.text import MESSAGE_LIMIT, units
from tests.bot.conftest import ANA, BRUNO, STAFF, add_staff
from tests.faketg.rasa import ScriptedRasa
from tests.faketg.server import FakeTelegram


def texts(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in telegram.sent(chat_id)]


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [row[0] for row in message.get("reply_markup", {}).get("inline_keyboard", [])]


async def test_a_message_reaches_rasa_as_the_telegram_user_and_the_reply_is_escaped(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        telegram.say(ANA, "olá <b>&")
        await telegram.until(lambda: telegram.sent(ANA.id))
    [request] = rasa.received
    assert request["sender"] == str(ANA.id)
    assert request["metadata"] == {
        "channel": "telegram",
        "chat_id": ANA.id,
        "chat_type": "private",
        "username": "ana_cliente",
        "first_name": "Ana",
        "language": "pt-br",
        "message_id": request["metadata"]["message_id"],
    }
    [sent] = telegram.calls("sendMessage")
    assert sent.params["parse_mode"] == "HTML"
    assert sent.params["text"] == "eco: olá &lt;b&gt;&amp;"
    typing = telegram.calls("sendChatAction")
    assert typing and typing[0].params["action"] == "typing" and typing[0].at <= sent.at


async def test_buttons_become_a_keyboard_of_short_keys_and_a_press_is_answered_and_spent(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        telegram.say(ANA, "botões")
        question = (await telegram.until(lambda: telegram.sent(ANA.id)))[0]
        yes, no = buttons(question)
        assert [yes["text"], no["text"]] == ["Sim", "Não"]
        for button in (yes, no):
            assert len(button["callback_data"].encode()) <= 64
            assert "/" not in button["callback_data"]
        sent = telegram.calls("sendMessage")[0].params["text"]
        assert sent == "Confirma? &lt;sim&gt; &amp; <b>importante</b>"

        telegram.press(ANA, question, yes["callback_data"])
        await telegram.until(lambda: "eco: /affirm" in texts(telegram, ANA.id))
        answered = telegram.calls("answerCallbackQuery")[0]
        edited = telegram.calls("editMessageText")[0]
        assert "text" not in answered.params and answered.at <= edited.at
        shown = telegram.sent(ANA.id)[0]
        assert shown["text"].endswith("» Sim") and "reply_markup" not in shown
        assert rasa.received[-1]["message"] == "/affirm"
        assert rasa.received[-1]["metadata"]["message_id"].startswith("callback-")

        # The keyboard is spent: its other button, or the same one again, changes nothing.
        telegram.press(ANA, question, no["callback_data"])
        await telegram.until(lambda: len(telegram.calls("answerCallbackQuery")) == 2)
    assert telegram.calls("answerCallbackQuery")[1].params["text"] == STALE_BUTTON
    assert rasa.messages() == ["botões", "/affirm"]


async def test_a_forged_or_foreign_callback_key_changes_nothing(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        telegram.say(ANA, "botões")
        telegram.say(BRUNO, "botões")
        await telegram.until(lambda: telegram.sent(ANA.id) and telegram.sent(BRUNO.id))
        question, bruno_question = telegram.sent(ANA.id)[0], telegram.sent(BRUNO.id)[0]
        telegram.press(ANA, question, "/affirm")
        telegram.press(ANA, question, "chave-inventada")
        # Bruno, in his own chat, replays a key that was issued to Ana's chat.
        telegram.press(BRUNO, bruno_question, buttons(question)[0]["callback_data"])
        await telegram.until(lambda: len(telegram.calls("answerCallbackQuery")) == 3)
    for answer in telegram.calls("answerCallbackQuery"):
        assert answer.params["text"] == STALE_BUTTON
    assert rasa.messages() == ["botões", "botões"]
    assert len(telegram.calls("sendMessage")) == 2
    assert not telegram.calls("editMessageText")


async def test_a_duplicated_update_is_answered_once(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        update = telegram.message_update(ANA, "uma vez só")
        telegram.push(update)
        telegram.push(update)
        telegram.say(ANA, "depois")
        await telegram.until(lambda: len(telegram.sent(ANA.id)) == 2)
    assert rasa.messages() == ["uma vez só", "depois"]
    assert texts(telegram, ANA.id) == ["eco: uma vez só", "eco: depois"]


async def test_a_long_reply_is_split_at_paragraphs(start_bot: Any, telegram: FakeTelegram) -> None:
    async with start_bot():
        telegram.say(ANA, "longo")
        await telegram.until(lambda: len(texts(telegram, ANA.id)) >= 3)
    pieces = texts(telegram, ANA.id)
    assert all(units(p) <= MESSAGE_LIMIT for p in pieces)
    assert [p[:2] for p in pieces] == ["1.", "3.", "5."]


async def test_a_20000_character_message_gets_a_clear_answer_without_reaching_rasa(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        telegram.say(ANA, "a" * 20_000)
        [answer] = await telegram.until(lambda: texts(telegram, ANA.id))
    assert "20.000 caracteres" in answer and "4.096" in answer
    assert rasa.received == []


async def test_rasa_down_gets_an_answer_and_a_retry_button_that_works_once_it_is_back(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    rasa.stop()
    async with start_bot():
        telegram.say(ANA, "oi")
        [notice] = await telegram.until(lambda: telegram.sent(ANA.id))
        assert notice["text"] == UNAVAILABLE_TEXT
        [retry] = buttons(notice)
        assert retry["text"] == RETRY_TITLE
        rasa.start()
        telegram.press(ANA, notice, retry["callback_data"])
        await telegram.until(lambda: "eco: oi" in texts(telegram, ANA.id))
    assert rasa.messages() == ["oi"]


async def test_one_chat_is_answered_in_order_while_other_chats_go_ahead(
    start_bot: Any, telegram: FakeTelegram
) -> None:
    async with start_bot():
        telegram.say(ANA, "lento primeiro")
        telegram.say(ANA, "segundo")
        telegram.say(BRUNO, "de outro chat")
        await telegram.until(lambda: len(telegram.sent(ANA.id)) == 2)
    assert texts(telegram, ANA.id) == ["eco: lento primeiro", "eco: segundo"]
    order = [c.params["text"] for c in telegram.calls("sendMessage")]
    assert order.index("eco: de outro chat") < order.index("eco: lento primeiro")


async def test_a_flooding_chat_is_told_once_and_others_are_unaffected(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot(flood_max_updates=3):
        for n in range(8):
            telegram.say(ANA, f"mensagem {n}")
        telegram.say(BRUNO, "tudo bem?")
        await telegram.until(lambda: FLOOD_TEXT in texts(telegram, ANA.id))
        await telegram.until(lambda: texts(telegram, BRUNO.id))
    assert [m for m in rasa.messages() if m.startswith("mensagem")] == [
        "mensagem 0",
        "mensagem 1",
        "mensagem 2",
    ]
    assert texts(telegram, ANA.id).count(FLOOD_TEXT) == 1
    assert texts(telegram, BRUNO.id) == ["eco: tudo bem?"]


async def test_commands_go_to_rasa_as_intents_and_unknown_ones_stop_at_the_bot(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        telegram.say(ANA, "/plantoes")
        telegram.say(ANA, '/end_plantao{"plantao_ref": "P-0001"}')
        telegram.say(ANA, "/start")
        await telegram.until(lambda: len(telegram.sent(ANA.id)) == 3)
    assert rasa.messages() == ["/list_plantoes", "/greet"]
    assert texts(telegram, ANA.id)[1] == UNKNOWN_COMMAND


async def test_staff_commands_need_the_roster_and_the_staff_menu_is_set_per_chat(
    start_bot: Any,
    telegram: FakeTelegram,
    rasa: ScriptedRasa,
    sqlite_sessions: sessionmaker[Session],
) -> None:
    add_staff(sqlite_sessions, STAFF)
    async with start_bot():
        telegram.say(ANA, "/hoje")
        telegram.say(STAFF, "/pendentes")
        await telegram.until(lambda: telegram.sent(ANA.id) and telegram.sent(STAFF.id))
    assert texts(telegram, ANA.id) == [STAFF_ONLY]
    assert [r["sender"] for r in rasa.received] == [str(STAFF.id)]
    default, staff = telegram.calls("setMyCommands")
    assert "scope" not in default.params
    assert [c["command"] for c in default.params["commands"]] == [
        "start",
        "ajuda",
        "precos",
        "plantoes",
        "cancelar",
        "atendente",
    ]
    assert staff.params["scope"] == {"type": "chat", "chat_id": STAFF.id}
    assert [c["command"] for c in staff.params["commands"]][-2:] == ["hoje", "pendentes"]


async def test_other_kinds_of_message_get_a_text_only_answer(
    start_bot: Any, telegram: FakeTelegram, rasa: ScriptedRasa
) -> None:
    async with start_bot():
        update = telegram.message_update(ANA, "")
        del update["message"]["text"]
        update["message"]["sticker"] = {
            "file_id": "f",
            "file_unique_id": "u",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        telegram.push(update)
        await telegram.until(lambda: telegram.sent(ANA.id))
    assert texts(telegram, ANA.id) == [TEXT_ONLY]
    assert rasa.received == []


async def test_silence_from_rasa_still_gets_an_answer(
    start_bot: Any, telegram: FakeTelegram
) -> None:
    async with start_bot():
        telegram.say(ANA, "silêncio")
        [answer] = await telegram.until(lambda: texts(telegram, ANA.id))
    assert answer == NO_ANSWER
