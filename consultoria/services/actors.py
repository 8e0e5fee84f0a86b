"""Who acts on a service: a customer about their own rows, or a staff member about anyone's.

Services take the actor explicitly and enforce what it may do; the adapters build it once per
request from the channel's sender.
"""

from __future__ import annotations

from dataclasses import dataclass

from consultoria.db.models import Person


@dataclass(frozen=True)
class _Acting:
    """The person record the history points to, and the channel they act from."""

    person: Person
    channel: str

    @property
    def person_id(self) -> int:
        return self.person.id


@dataclass(frozen=True)
class Customer(_Acting):
    """A person using the bot for themselves (or their unit): sees and changes only their rows."""


@dataclass(frozen=True)
class Staff(_Acting):
    """A member of the staff roster, as the event history records them: may act on any row."""


Actor = Customer | Staff
