"""A few Redis commands over a socket (RESP2): the project environment has no Redis client, and
the tests only need to read, plant and delete lock keys."""

from __future__ import annotations

import socket

Reply = bytes | int | list["Reply"] | None


class Redis:
    def __init__(self, host: str, port: int, db: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=5)
        self.reader = self.sock.makefile("rb")
        self.command("SELECT", str(db))

    def command(self, *args: str) -> Reply:
        payload = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = arg.encode()
            payload.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(payload))
        return self._read()

    def _read(self) -> Reply:
        line = self.reader.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.reader.read(size + 2)[:-2]
        if kind == b"*":
            return [self._read() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected Redis reply {line!r}")

    def close(self) -> None:
        self.reader.close()
        self.sock.close()
