"""Who is talking, as a front end asserts it (SPEC §6): the Telegram bot and the terminal chat sign
the channel, the user id (Rasa's sender id), the message id and the time with a secret they share
with the action server, which trusts a channel and a user only when the signature verifies.

Pure: the secret, the claim and the current time (epoch seconds, the real clock: the business
clock may be shifted) are all arguments.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

SECRET_VARIABLE = "CHANNEL_SIGNING_SECRET"  # noqa: S105 (the variable's name)
# Shorter secrets can be guessed offline from one signed message.
MIN_SECRET_LENGTH = 32
# A signature is good for this long after it was made: the turn runs within seconds, and a
# longer window only helps whoever replays one.
MAX_AGE_SECONDS = 300
# How far in the future a signature may claim to be, for clocks of different hosts.
FUTURE_SKEW_SECONDS = 30
# Changes whenever the canonical form does, so an old signature never verifies a new form.
VERSION = "consultoria-identity/1"


class SecretError(ValueError):
    """An unusable CHANNEL_SIGNING_SECRET; the message is pt-BR."""


class Unverified(ValueError):
    """A claim that proves nothing; `reason` is safe to log (it holds no claim field)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """A verified claim: this channel's user sent this message at `ts`."""

    channel: str
    user_id: str
    message_id: str
    ts: int


def secret_from(env: Mapping[str, str]) -> str | None:
    """The shared secret, or None when unset; one too short to resist guessing is an error."""
    secret = env.get(SECRET_VARIABLE, "").strip()
    if not secret:
        return None
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretError(
            f"{SECRET_VARIABLE} deve ter ao menos {MIN_SECRET_LENGTH} caracteres "
            f"(must be at least {MIN_SECRET_LENGTH} characters long)."
        )
    return secret


def _signature(secret: str, identity: Identity) -> str:
    # A JSON array: no field can spill into the next one, whatever characters it holds.
    canonical = json.dumps(
        [VERSION, identity.channel, identity.user_id, identity.message_id, identity.ts],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def sign(secret: str, channel: str, user_id: str, message_id: str, now: float) -> dict[str, object]:
    """The claim a front end puts in the message metadata under `identity`."""
    identity = Identity(channel, user_id, message_id, int(now))
    return {
        "channel": identity.channel,
        "user_id": identity.user_id,
        "message_id": identity.message_id,
        "ts": identity.ts,
        "sig": _signature(secret, identity),
    }


def _parse(claim: object) -> tuple[Identity, str]:
    if claim is None:
        raise Unverified("missing")
    if not isinstance(claim, Mapping):
        raise Unverified("malformed")
    fields = [claim.get(name) for name in ("channel", "user_id", "message_id", "sig")]
    ts = claim.get("ts")
    if not all(isinstance(field, str) and field for field in fields):
        raise Unverified("malformed")
    if not isinstance(ts, int) or isinstance(ts, bool):
        raise Unverified("malformed")
    channel, user_id, message_id, sig = (str(field) for field in fields)
    return Identity(channel, user_id, message_id, ts), sig


def _genuine(secret: str, claim: object, sender_id: str) -> Identity:
    identity, sig = _parse(claim)
    if identity.user_id != sender_id:
        raise Unverified("another sender")
    if not hmac.compare_digest(sig.encode(), _signature(secret, identity).encode()):
        raise Unverified("bad signature")
    return identity


def signed_ever(secret: str, claim: object, *, sender_id: str) -> bool:
    """Whether `claim` is a front end's genuine signature for `sender_id`, however old: proof
    that the conversation belongs to a channel user, not to whoever writes unsigned under the
    same sender id."""
    try:
        _genuine(secret, claim, sender_id)
    except Unverified:
        return False
    return True


def verify(secret: str, claim: object, *, sender_id: str, now: float) -> Identity:
    """The identity `claim` proves for a message from `sender_id`, or Unverified with why."""
    identity = _genuine(secret, claim, sender_id)
    if now - identity.ts > MAX_AGE_SECONDS:
        raise Unverified("stale")
    if identity.ts - now > FUTURE_SKEW_SECONDS:
        raise Unverified("from the future")
    return identity
