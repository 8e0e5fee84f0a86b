"""One real stack for the whole end-to-end session."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.rest import Conversation
from tests.stack import StackError, running_stack


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    try:
        with running_stack() as url:
            yield url
    except StackError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def conversation(rasa_url: str) -> Iterator[Conversation]:
    talk = Conversation(rasa_url)
    yield talk
    talk.client.close()


@pytest.fixture
def new_conversation(rasa_url: str) -> Callable[[], Conversation]:
    return lambda: Conversation(rasa_url)
