"""The bot's pure pieces: splitting, escaping, callback keys, settings and log redaction."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.keys import CallbackKeys
from bot.logs import MASK, RedactToken
from bot.settings import TELEGRAM_API, SettingsError, load_bot_settings
from bot.text import MESSAGE_LIMIT, plain, split_message, to_html, units
from consultoria.identity import SECRET_VARIABLE
from tests.stack import SIGNING_SECRET

TOKEN = "123:SECRET-token"  # noqa: S105 (a test value)


def test_a_short_text_is_one_piece() -> None:
    assert split_message("  olá  ") == ["olá"]
    assert split_message("   ") == []


def test_pieces_end_at_paragraphs_when_paragraphs_fit() -> None:
    paragraphs = [f"{n} " + "x" * 1500 for n in range(5)]
    pieces = split_message("\n\n".join(paragraphs))
    assert pieces == ["\n\n".join(paragraphs[0:2]), "\n\n".join(paragraphs[2:4]), paragraphs[4]]


def test_a_paragraph_over_the_limit_is_cut_at_lines_then_words() -> None:
    line = "palavra " * 300  # 2,400 characters
    pieces = split_message("\n".join([line.strip()] * 3))
    assert len(pieces) == 3 and all(p == line.strip() for p in pieces)
    words = split_message("palavra " * 1000)
    assert all(units(p) <= MESSAGE_LIMIT and not p.endswith(" ") for p in words)
    assert " ".join(words).split() == ["palavra"] * 1000


def test_emoji_count_twice_towards_the_limit() -> None:
    pieces = split_message("😀" * 3000)
    assert [units(p) for p in pieces] == [4096, 1904]


@given(st.text(alphabet=st.sampled_from("ab \n😀."), max_size=12_000))
def test_pieces_fit_and_keep_every_word_in_order(text: str) -> None:
    pieces = split_message(text, limit=300)
    assert all(0 < units(p) <= 300 for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_html_is_escaped_and_template_bold_kept() -> None:
    assert to_html("<script> & **Plantão** a*b") == "&lt;script&gt; &amp; <b>Plantão</b> a*b"
    assert plain("o **Suporte Padrão**") == "o Suporte Padrão"


def test_callback_keys_are_short_single_use_and_bound_to_their_chat() -> None:
    keys = CallbackKeys()
    yes, no = keys.issue(10, [("Sim", "/affirm"), ("Não", "/deny")])
    assert len(yes.encode()) <= 64 and yes != no
    assert keys.redeem(20, yes) is None  # another chat
    choice = keys.redeem(10, yes)
    assert choice is not None and (choice.title, choice.payload) == ("Sim", "/affirm")
    assert keys.redeem(10, no) is None  # the keyboard is spent
    assert keys.redeem(10, "forjado") is None
    assert len(keys) == 0


def test_callback_keys_forget_the_oldest_keyboards_first() -> None:
    keys = CallbackKeys(capacity=4)
    old = keys.issue(1, [("a", "/a"), ("b", "/b")])
    keys.issue(1, [("c", "/c"), ("d", "/d")])
    new = keys.issue(1, [("e", "/e")])
    assert keys.redeem(1, old[1]) is None
    assert keys.redeem(1, new[0]) is not None


def test_settings_from_the_environment() -> None:
    settings = load_bot_settings(
        {
            "TELEGRAM_BOT_TOKEN": f" {TOKEN} ",
            "RASA_URL": "http://r:5005/",
            SECRET_VARIABLE: SIGNING_SECRET,
        }
    )
    assert settings.token == TOKEN and settings.rasa_url == "http://r:5005"
    assert settings.api_base_url == TELEGRAM_API and settings.webhook is None
    assert settings.bot_api_url == f"{TELEGRAM_API}/bot"
    assert load_bot_settings({}).token is None


def test_webhook_settings_need_https_and_a_valid_secret() -> None:
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://exemplo.com.br/tg/hook",
        "TELEGRAM_WEBHOOK_SECRET": "s_1",
    }
    hook = load_bot_settings(env).webhook
    assert hook is not None and hook.path == "tg/hook" and hook.port == 8443
    assert hook.listen == "127.0.0.1"
    for bad in ({"TELEGRAM_WEBHOOK_SECRET": ""}, {"TELEGRAM_WEBHOOK_SECRET": "com espaço"}):
        with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
            load_bot_settings(env | bad)
    with pytest.raises(SettingsError, match="https"):
        load_bot_settings(env | {"TELEGRAM_WEBHOOK_URL": "http://exemplo.com.br/hook"})
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_PORT"):
        load_bot_settings(env | {"TELEGRAM_WEBHOOK_PORT": "porta"})
    with pytest.raises(SettingsError, match="RASA_URL"):
        load_bot_settings({"RASA_URL": "rasa:5005"})


def test_the_token_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(RedactToken([TOKEN]))
    logger.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("request failed")
    assert TOKEN not in caplog.text
    assert f"/bot{MASK}/getMe" in caplog.text and f"/bot{MASK}/sendMessage" in caplog.text
