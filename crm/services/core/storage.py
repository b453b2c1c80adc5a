"""Where file bytes live (customer documents, job result files), behind one interface.

CRM_STORAGE picks the backend ("local": a folder per area, CRM_DOCUMENT_DIR and
CRM_JOB_DIR); another backend implements ``Storage`` and is added to ``BACKENDS``.
"""

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from typing import IO, Any, Protocol

AREAS = {"documents": "CRM_DOCUMENT_DIR", "jobs": "CRM_JOB_DIR"}


class StorageKeyRefused(ValueError):
    """A key that is not a plain relative name inside the storage ("../x", "/etc/x")."""


class Storage(Protocol):
    """Bytes by key: a relative, "/"-separated name such as "3/ab12.pdf"."""

    def save(self, key: str, data: bytes | IO[bytes]) -> None:
        """Store ``data`` (bytes or a binary stream read to its end) under ``key``,
        replacing what was there; readers never see a partly written file."""

    def open(self, key: str) -> IO[bytes]:
        """The bytes under ``key`` as a binary file; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Forget ``key``; nothing happens when it is already gone."""

    def exists(self, key: str) -> bool: ...


def check_key(key: str) -> list[str]:
    """The key's segments; StorageKeyRefused unless every one is a plain name."""
    parts = key.split("/") if isinstance(key, str) else []
    if not parts or any(
        part in ("", ".", "..") or "\\" in part or "\0" in part or ":" in part for part in parts
    ):
        raise StorageKeyRefused(f"{key!r} is not a valid storage key")
    return parts


class LocalFolder:
    """Keys as files under one folder (shared between machines by mounting it)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def path(self, key: str) -> str:
        path = os.path.realpath(os.path.join(self.root, *check_key(key)))
        # A symbolic link inside the folder must not lead out of it either.
        if not path.startswith(self.root + os.sep):
            raise StorageKeyRefused(f"{key!r} is not a valid storage key")
        return path

    def save(self, key: str, data: bytes | IO[bytes]) -> None:
        path = self.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                if isinstance(data, (bytes, bytearray)):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise

    def open(self, key: str) -> IO[bytes]:
        return open(self.path(key), "rb")

    def delete(self, key: str) -> None:
        try:
            os.remove(self.path(key))
        except FileNotFoundError:
            pass

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))


BACKENDS: dict[str, Callable[[Mapping[str, Any], str], Storage]] = {
    "local": lambda config, area: LocalFolder(config[AREAS[area]]),
}


def storage_for(config: Mapping[str, Any], area: str) -> Storage:
    """The storage of ``area`` ("documents" or "jobs") that CRM_STORAGE names."""
    name = config.get("CRM_STORAGE", "local")
    if name not in BACKENDS:
        raise LookupError(f"CRM_STORAGE={name!r}: choose one of {', '.join(sorted(BACKENDS))}")
    return BACKENDS[name](config, area)


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse to start with a CRM_STORAGE that names no backend (LookupError)."""
    for area in AREAS:
        storage_for(config, area)
