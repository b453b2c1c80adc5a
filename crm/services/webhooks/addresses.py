"""Where a webhook may go: http or https to a host whose every address is public.

Checked when an endpoint is saved and again before each send, after resolving the host;
the send then connects to the address checked (crm.services.webhooks.sending), so a name
that resolves elsewhere a moment later cannot redirect it.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from crm.services.core.errors import ValidationFailed

SCHEMES = {"http": 80, "https": 443}
MAX_URL_LENGTH = 500


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def is_public(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _refused(message: object) -> ValidationFailed:
    return ValidationFailed({"url": [message]})


def check(url: str | None, allow_private: bool = False) -> Target:
    """The URL's target with its host resolved; ValidationFailed (on ``url``) saying why
    a webhook may not go there."""
    url = (url or "").strip()
    if not url:
        raise _refused(_l("Enter the URL the events are sent to."))
    if len(url) > MAX_URL_LENGTH:
        raise _refused(_l("The URL is longer than %(n)d characters.", n=MAX_URL_LENGTH))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(_l("This is not a valid URL."))
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _refused(_l("Only http:// and https:// URLs can receive webhooks."))
    host = parts.hostname
    if not host:
        raise _refused(_l("The URL names no host."))
    if parts.username or parts.password:
        raise _refused(_l("The URL may not contain a user name or password."))
    port = port or SCHEMES[scheme]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refused(_l("The host %(host)s could not be found.", host=host))
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise _refused(_l("The host %(host)s could not be found.", host=host))
    if not allow_private:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise _refused(
                _l(
                    "%(host)s resolves to a private, loopback or link-local address "
                    "(%(address)s); webhooks are only sent to public addresses.",
                    host=host,
                    address=private[0],
                )
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port, path, addresses)
