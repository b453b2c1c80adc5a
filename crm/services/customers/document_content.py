"""Does an uploaded document hold what its name says? A file named ``.pdf`` holding a
program is refused, whatever its extension.

The kind is read from the first bytes (``filetype``'s signatures). Office formats are
containers: a ``.docx``, ``.xlsx``, ``.odt`` or ``.ods`` is a ZIP archive and an old
``.doc`` or ``.xls`` an OLE compound file, so for those the container's signature is what
is checked. Text files must not hold a recognised binary kind or NUL bytes.
"""

import filetype
from flask_babel import gettext

# Bytes read to decide: signatures sit in the first few hundred bytes.
HEAD_BYTES = 8192

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Extension -> the kinds ``filetype`` may report for it.
_KINDS: dict[str, set[str | None]] = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "odt": {"odt", "zip"},
    "ods": {"ods", "zip"},
    "doc": {"doc", "xls", "ppt", None},
    "xls": {"doc", "xls", "ppt", None},
}
# Containers whose signature must open the file, whatever ``filetype`` names inside.
_CONTAINERS = {"docx": _ZIP, "xlsx": _ZIP, "odt": _ZIP, "ods": _ZIP, "doc": _OLE, "xls": _OLE}
_TEXT = {"txt", "csv"}


def _kind(head: bytes) -> str | None:
    found = filetype.guess(head)
    return str(found.extension) if found is not None else None


def content_problem(extension: str, data: bytes) -> str | None:
    """Why ``data`` is not a file of ``extension``, or None when it is (or when the
    extension is one this module does not know, which the allowed-types list decides)."""
    head = data[:HEAD_BYTES]
    kind = _kind(head)
    if extension in _TEXT:
        if kind is not None or b"\x00" in head:
            return str(
                gettext(
                    "The file is named .%(ext)s but does not hold text%(kind)s.",
                    ext=extension,
                    kind=f" ({kind.upper()})" if kind else "",
                )
            )
        return None
    expected = _KINDS.get(extension)
    if expected is None:
        return None
    container = _CONTAINERS.get(extension)
    fits = kind in expected and (container is None or head.startswith(container))
    # A PDF may carry a few bytes before its header; readers look within the first 1 KB.
    if extension == "pdf" and not fits:
        fits = b"%PDF-" in head[:1024] and kind in (None, "pdf")
    if fits:
        return None
    if kind is None:
        return str(
            gettext(
                "The file is named .%(ext)s but its content is not a %(type)s file.",
                ext=extension,
                type=extension.upper(),
            )
        )
    return str(
        gettext(
            "The file is named .%(ext)s but its content is a %(kind)s file.",
            ext=extension,
            kind=kind.upper(),
        )
    )
