"""A fake Telegram Bot API on loopback, for driving the real bot offline.

It serves the methods the bot calls, long-polls `getUpdates` from a queue the test fills, keeps
the messages the bot sent (so a test can press their buttons) and records every call. It runs
on its own thread and event loop: sync tests, async tests and benchmarks use it alike.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from tests.faketg.loopback import LoopbackServer

TOKEN = "123456789:TEST-token-for-the-fake-server"  # noqa: S105 (a test value)
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Consultoria",
    "username": "consultoria_teste_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters PTB sends JSON-encoded inside the form body.
JSON_PARAMS = {"reply_markup", "commands", "scope", "allowed_updates", "entities"}
TRUE_METHODS = {
    "deleteWebhook",
    "setWebhook",
    "setMyCommands",
    "deleteMyCommands",
    "answerCallbackQuery",
    "sendChatAction",
    "close",
    "logOut",
}

T = TypeVar("T")


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "pt-br"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        data["language_code"] = self.language_code
        return data

    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived


@dataclass
class _Failure:
    code: int
    description: str
    times: int


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    failures: dict[int, _Failure] = field(default_factory=dict)


class FakeTelegram(LoopbackServer):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self._calls: list[Call] = []
        self._lock = threading.Condition()
        self._state = _State()
        self._ids = itertools.count(1)  # update ids
        self._message_ids = itertools.count(1000)
        self._arrived: asyncio.Event | None = None

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle)

    async def on_start(self) -> None:
        self._arrived = asyncio.Event()

    # -- what a test says as a Telegram user ------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue a raw update as is (the same one twice is a redelivery)."""
        with self._lock:
            self._state.updates.append(update)
        self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        assert self._arrived is not None
        self._arrived.set()

    def message_update(self, user: User, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": user.chat(),
            "from": user.as_dict(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._ids), "message": message}

    def say(self, user: User, text: str) -> int:
        """A user sends `text`; returns the update id."""
        update = self.message_update(user, text)
        self.push(update)
        return int(update["update_id"])

    def press(self, user: User, message: dict[str, Any], callback_data: str) -> int:
        """A user presses a button with `callback_data` under one of the bot's messages."""
        update = {
            "update_id": next(self._ids),
            "callback_query": {
                "id": f"cq{next(self._message_ids)}",
                "from": user.as_dict(),
                "chat_instance": f"ci{user.id}",
                "message": message,
                "data": callback_data,
            },
        }
        self.push(update)
        return int(update["update_id"])

    def fail_chat(self, chat_id: int, code: int, description: str, times: int = 1) -> None:
        """The next `times` sendMessage calls to `chat_id` fail with this Bot API error."""
        with self._lock:
            self._state.failures[chat_id] = _Failure(code, description, times)

    # -- what the bot did -------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent to `chat_id`, as the Bot API returned them."""
        with self._lock:
            return [m for (chat, _), m in sorted(self._state.messages.items()) if chat == chat_id]

    def wait_for(self, found: Callable[[], T | None], timeout: float = 30.0) -> T:
        """Poll until `found()` returns something truthy; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while not (result := self._found(found, deadline, timeout)):
            with self._lock:
                self._lock.wait(timeout=0.05)
        return result

    async def until(self, found: Callable[[], T | None], timeout: float = 30.0) -> T:
        """`wait_for` for async tests: yields to the event loop the bot runs on."""
        deadline = time.monotonic() + timeout
        # The state changes on the server's thread: nothing on this loop could signal it.
        while not (result := self._found(found, deadline, timeout)):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        return result

    def _found(self, found: Callable[[], T | None], deadline: float, timeout: float) -> T | None:
        result = found()
        if not result and time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s; calls: {self._summary()}")
        return result

    def _summary(self) -> str:
        return "; ".join(f"{c.method}({json.dumps(c.params)[:160]})" for c in self.calls()[-15:])

    # -- the Bot API ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await _params(request)
        except ConnectionResetError:
            # The client gave up mid-request (its timeout, or it shut down): nobody reads this.
            return _error(400, "Bad Request: connection lost")
        with self._lock:
            self._calls.append(Call(method, params, time.monotonic()))
            self._lock.notify_all()
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        if method == "getMe":
            return _ok(BOT_USER)
        if method in TRUE_METHODS:
            return _ok(True)
        writer = {
            "sendMessage": self._send_message,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "sendDocument": self._send_document,
        }.get(method)
        return writer(params) if writer else _error(404, "Not Found: method not found")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Each queued update is handed out once, in order; a test redelivers by pushing it again.
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        assert self._arrived is not None
        while True:
            with self._lock:
                pending, self._state.updates = self._state.updates, []
            remaining = deadline - time.monotonic()
            if pending or remaining <= 0:
                return pending
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                return []

    def _send_message(self, params: dict[str, Any]) -> web.Response:
        return self._store(params, {"text": _strip_html(str(params.get("text", "")))})

    def _send_document(self, params: dict[str, Any]) -> web.Response:
        """A document as the Bot API returns it, with the uploaded bytes kept (as text) under
        `content` for the tests to read."""
        upload = params.get("document")
        if not isinstance(upload, dict):
            return _error(400, "Bad Request: there is no document in the request")
        document = {
            "file_id": f"doc-{len(self._calls)}",
            "file_unique_id": f"u-{len(self._calls)}",
            "file_name": upload["file_name"],
            "mime_type": upload["mime_type"],
            "file_size": len(upload["content"].encode("utf-8")),
        }
        content = {"document": document, "content": upload["content"]}
        if params.get("caption"):
            content["caption"] = _strip_html(str(params["caption"]))
        return self._store(params, content)

    def _store(self, params: dict[str, Any], content: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        with self._lock:
            failure = self._state.failures.get(chat_id)
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self._state.failures[chat_id]
                return _error(failure.code, failure.description)
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT_USER,
                **content,
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._state.messages[(chat_id, message["message_id"])] = message
            self._lock.notify_all()
        return _ok(message)

    def _edit_text(self, params: dict[str, Any]) -> web.Response:
        return self._edit(params, text=True)

    def _edit_markup(self, params: dict[str, Any]) -> web.Response:
        return self._edit(params, text=False)

    def _edit(self, params: dict[str, Any], *, text: bool) -> web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._lock:
            message = self._state.messages.get(key)
            if message is None:
                return _error(400, "Bad Request: message to edit not found")
            if text:
                message["text"] = _strip_html(str(params.get("text", "")))
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            self._lock.notify_all()
            return _ok(dict(message))


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = {
                "file_name": value.filename,
                "mime_type": value.content_type,
                "content": value.file.read().decode("utf-8", errors="replace"),
            }
            continue
        params[name] = json.loads(value) if name in JSON_PARAMS else value
    return params


def _strip_html(text: str) -> str:
    """What a client shows for an HTML message: tags gone, entities decoded."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>", "", text))


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )
