"""Reading new messages of an IMAP folder by UID (standard library imaplib)."""

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator
from typing import Any

_UID = re.compile(rb"UID (\d+)")


@contextlib.contextmanager
def mailbox(settings: Any) -> Iterator[imaplib.IMAP4]:
    """Signed in, with ``settings.folder`` selected for reading and marking seen."""
    if settings.use_tls:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.host,
            settings.port,
            ssl_context=ssl.create_default_context(),
            timeout=settings.timeout,
        )
    else:
        client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.login(settings.user, settings.password)
        status, _ = client.select(_quoted(settings.folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"folder {settings.folder} cannot be selected")
        yield client
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uidvalidity(client: imaplib.IMAP4) -> int | None:
    """The selected folder's UIDVALIDITY (sent with the SELECT answer)."""
    _, data = client.response("UIDVALIDITY")
    for item in data or ():
        if item:
            return int(item)
    return None


def new_uids(client: imaplib.IMAP4, after: int) -> list[int]:
    """UIDs above ``after``, ascending (``after+1:*`` also names the last message when
    there is nothing newer, so it is filtered out)."""
    status, data = client.uid("SEARCH", f"UID {after + 1}:*")
    if status != "OK":
        raise imaplib.IMAP4.error("UID SEARCH failed")
    uids = [int(u) for u in b" ".join(d for d in data if d).split()]
    return sorted(u for u in uids if u > after)


def fetch(client: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's bytes; fetching BODY[] marks it \\Seen."""
    status, data = client.uid("FETCH", str(uid), "(BODY[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH {uid} failed")
    for part in data:
        if isinstance(part, tuple) and _UID.search(part[0]):
            return bytes(part[1])
    return None
