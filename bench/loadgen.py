"""A lean HTTP/1.1 load generator for the benchmarks: raw asyncio streams, one keep-alive
connection per client, no parsing beyond the status line and Content-Length.

A general client (httpx) spends more CPU per request than the server's echo endpoint does, and
its pool slows down as clients are added, so it measures itself rather than the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


class HttpError(RuntimeError):
    pass


class Connection:
    """One keep-alive connection to ``host:port``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def request(self, method: str, path: str, body: bytes = b"",
                      content_type: str = "application/json",
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}",
                f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        head.extend(f"{k}: {v}" for k, v in (headers or {}).items())
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise HttpError(f"{method} {path}: no Content-Length in the response")
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@dataclass
class Run:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The ``p`` quantile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


Client = Callable[[Connection, int], Awaitable[Callable[[int], Awaitable[None]]]]
"""Given a connection and the client's number, set up (e.g. open a session) and return the
function that sends request number ``i`` and checks its answer."""


async def load(host: str, port: int, clients: int, seconds: float, client: Client) -> Run:
    """``clients`` connections sending requests one after another for ``seconds``."""
    conns = [await Connection.open(host, port) for _ in range(clients)]
    senders = [await client(conn, n) for n, conn in enumerate(conns)]
    run = Run()

    async def loop(send: Callable[[int], Awaitable[None]]) -> None:
        i = 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            await send(i)
            run.latencies.append(time.perf_counter() - t0)
            i += 1

    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(loop(send) for send in senders))
    run.seconds = time.perf_counter() - start
    run.requests = len(run.latencies)
    for conn in conns:
        await conn.close()
    return run
