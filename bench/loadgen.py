"""A small closed-loop HTTP/1.1 load generator on asyncio streams (keep-alive, no dependencies).

Lighter than an HTTP client library, so on a 2-core machine most of the CPU goes to the server under test.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

__all__ = ["HttpConnection", "LoadResult", "run_load"]


@dataclass
class LoadResult:
    path: str
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall_s: float = 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        k = max(0, min(len(data) - 1, round(p / 100 * len(data) + 0.5) - 1))
        return data[k]

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.wall_s if self.wall_s else 0.0

    def row(self) -> dict:
        return {
            "path": self.path,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
            "statuses": self.statuses,
        }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status, _, body = await _read_response_full(reader)
    return status, body


async def _read_response_full(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.read()
    return status, headers, body


class HttpConnection:
    """One keep-alive HTTP/1.1 connection for any method with a body. It reopens on the next request after
    a failure or a `Connection: close`, so a caller can retry (same Idempotency-Key) on the same object."""

    def __init__(self, host: str, port: int, timeout_s: float = 30.0) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, lower-cased headers, body). Raises OSError/asyncio errors when the exchange fails."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method not in ("GET", "HEAD"):
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        try:
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            self._writer.write(raw)
            status, head, data = await asyncio.wait_for(_read_response_full(self._reader), self.timeout_s)
        except BaseException:
            self.close()
            raise
        if head.get("connection", "").lower() == "close":
            self.close()
        return status, head, data

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _client(host, port, request: bytes, deadline: float, result: LoadResult, count_from: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(request)
            status, _ = await _read_response(reader)
            t1 = time.perf_counter()
            if t0 >= count_from:  # the warm-up is not counted
                result.latencies_ms.append((t1 - t0) * 1000)
                result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_load(
    *,
    host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    warmup_s: float = 2.0,
) -> LoadResult:
    """`concurrency` keep-alive clients GET `path` back to back for `seconds` after a warm-up."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    result = LoadResult(path=path, concurrency=concurrency)
    start = time.perf_counter()
    count_from = start + warmup_s
    deadline = count_from + seconds
    await asyncio.gather(
        *(_client(host, port, request, deadline, result, count_from) for _ in range(concurrency))
    )
    result.wall_s = time.perf_counter() - count_from
    return result
