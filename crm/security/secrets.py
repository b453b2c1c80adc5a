"""Secrets stored in the database (mail-server passwords), encrypted with Fernet.

The key is CRM_SECRET_KEY_ENCRYPTION (a Fernet key, or any text, which is hashed into
one) or, when unset, derived from SECRET_KEY. Changing that key makes stored secrets
unreadable: they must then be entered again (see README, *Email*).
"""

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class SecretUnreadable(ValueError):
    """A stored secret that the current key does not decrypt (the key was changed)."""


def _fernet(config: Mapping[str, Any]) -> Fernet:
    material = config.get("CRM_SECRET_KEY_ENCRYPTION") or config["SECRET_KEY"]
    digest = hashlib.sha256(b"ledgerline-secrets:" + str(material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(config: Mapping[str, Any], plain: str) -> str:
    return _fernet(config).encrypt(plain.encode()).decode("ascii")


def decrypt(config: Mapping[str, Any], token: str) -> str:
    try:
        return _fernet(config).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("the stored secret does not decrypt with the current key") from exc
