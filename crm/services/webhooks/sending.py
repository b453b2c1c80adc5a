"""One POST of a delivery: signed, to the address its host was checked at, with a timeout.

The signature is ``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with
the endpoint's secret (README, *Webhooks*). No redirect is followed.
"""

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from crm.services.core.errors import CrmError
from crm.services.webhooks import addresses

USER_AGENT = "Ledgerline-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    response_code: int | None
    duration_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return (
            self.error is None
            and self.response_code is not None
            and (200 <= self.response_code < 300)
        )


def signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address`` while naming ``host`` (Host header)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to ``address`` while naming and verifying ``host`` (SNI, certificate)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: str,
    headers: dict[str, str],
    timeout: float,
    allow_private: bool = False,
) -> Outcome:
    """POST ``body``; the outcome, never an exception (a refused address is an error too)."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = addresses.check(url, allow_private)
    except CrmError as exc:
        messages = [str(m) for ms in exc.errors.values() for m in ms] or [str(exc.message)]
        return Outcome(None, took(), "; ".join(messages))
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, target.addresses[0], timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body.encode(),
            headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        response = connection.getresponse()
        response.read(64 * 1024)
        code = response.status
        error = None if 200 <= code < 300 else f"HTTP {code} {response.reason}".strip()
        return Outcome(code, took(), error)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, took(), f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
