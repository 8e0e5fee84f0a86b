"""consultoria/identity.py: a front end's signed claim of who is talking, and its verification."""

from __future__ import annotations

from typing import Any

import pytest

from consultoria.identity import (
    FUTURE_SKEW_SECONDS,
    MAX_AGE_SECONDS,
    SECRET_VARIABLE,
    Identity,
    SecretError,
    Unverified,
    secret_from,
    sign,
    verify,
)

SECRET = "s" * 40
NOW = 1_900_000_000.0


def claim(**changes: Any) -> dict[str, Any]:
    signed = sign(SECRET, "telegram", "700100200", "4242", NOW)
    return {**signed, **changes}


def rejection(
    found: object, *, secret: str = SECRET, sender: str = "700100200", now: float = NOW
) -> str:
    with pytest.raises(Unverified) as caught:
        verify(secret, found, sender_id=sender, now=now)
    return caught.value.reason


def test_a_good_signature_proves_channel_user_and_message() -> None:
    assert verify(SECRET, claim(), sender_id="700100200", now=NOW + 5) == Identity(
        "telegram", "700100200", "4242", int(NOW)
    )


def test_another_secret_proves_nothing() -> None:
    assert rejection(claim(), secret="t" * 40) == "bad signature"


@pytest.mark.parametrize(
    "field", [{"channel": "rest"}, {"message_id": "4243"}, {"ts": int(NOW) + 1}]
)
def test_a_changed_field_breaks_the_signature(field: dict[str, Any]) -> None:
    assert rejection(claim(**field)) == "bad signature"


def test_a_changed_user_is_another_sender_and_proves_nothing_for_either() -> None:
    assert rejection(claim(user_id="1")) == "another sender"
    assert rejection(claim(user_id="1"), sender="1") == "bad signature"
    # A signature is bound to the sender Rasa saw, whatever the claim says.
    assert rejection(claim(), sender="1") == "another sender"


def test_a_signature_older_than_the_maximum_age_is_stale() -> None:
    verify(SECRET, claim(), sender_id="700100200", now=NOW + MAX_AGE_SECONDS)
    assert rejection(claim(), now=NOW + MAX_AGE_SECONDS + 1) == "stale"


def test_a_signature_from_the_future_beyond_the_skew_is_refused() -> None:
    verify(SECRET, claim(), sender_id="700100200", now=NOW - FUTURE_SKEW_SECONDS)
    assert rejection(claim(), now=NOW - FUTURE_SKEW_SECONDS - 1) == "from the future"


def test_a_missing_claim_is_said_apart_from_a_malformed_one() -> None:
    assert rejection(None) == "missing"
    assert rejection("telegram:700100200") == "malformed"
    without_sig = claim()
    del without_sig["sig"]
    assert rejection(without_sig) == "malformed"
    assert rejection(claim(ts=str(int(NOW)))) == "malformed"
    assert rejection(claim(ts=True)) == "malformed"
    assert rejection(claim(sig="")) == "malformed"


def test_a_signature_with_foreign_characters_is_refused_not_crashed_on() -> None:
    assert rejection(claim(sig="é" * 64)) == "bad signature"


def test_fields_cannot_spill_into_one_another() -> None:
    # "a" + "b,c" and "a,b" + "c" would collide in a naively joined canonical string.
    first = sign(SECRET, "tele", "gram,1", "m", NOW)
    second = sign(SECRET, "tele,gram", "1", "m", NOW)
    assert first["sig"] != second["sig"]


def test_the_secret_comes_from_the_environment_and_must_be_long() -> None:
    assert secret_from({}) is None
    assert secret_from({SECRET_VARIABLE: "  "}) is None
    assert secret_from({SECRET_VARIABLE: f" {SECRET} "}) == SECRET
    with pytest.raises(SecretError, match="ao menos 32 caracteres"):
        secret_from({SECRET_VARIABLE: "curto"})
