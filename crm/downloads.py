"""Every file the product hands out goes through ``send_download`` (RFC 6266 names)."""

import io
import os
import re
import unicodedata
from urllib.parse import quote

from flask import send_file

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()\-]")


def content_disposition(file_name):
    """``attachment`` with an ASCII ``filename`` for old clients and the real name as
    ``filename*=UTF-8''...`` (RFC 6266 / 5987): a Hindi or Polish name survives."""
    stem, extension = os.path.splitext(file_name)
    # Accents dropped (é -> e), other letters (Ł, Devanagari) as "_".
    plain = "".join(
        c if c.isascii() else "_"
        for c in unicodedata.normalize("NFKD", stem)
        if not unicodedata.combining(c)
    )
    plain = _UNSAFE_ASCII.sub("_", plain).strip(" ._-")
    if not re.search(r"[A-Za-z0-9]", plain):
        plain = "download"
    fallback = plain + _UNSAFE_ASCII.sub("_", extension.encode("ascii", "ignore").decode())
    if fallback == file_name:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def send_download(body, file_name, mimetype, **options):
    """A download response: ``body`` is bytes, a binary file object or a path."""
    if isinstance(body, (bytes, bytearray)):
        body = io.BytesIO(body)
    response = send_file(
        body, mimetype=mimetype, as_attachment=True, download_name=file_name, **options
    )
    response.headers["Content-Disposition"] = content_disposition(file_name)
    if response.content_length is None and response.status_code == 200:
        # An open file (from a storage) has a size that send_file does not look up.
        try:
            response.content_length = os.fstat(body.fileno()).st_size - body.tell()
        except (AttributeError, OSError, ValueError):
            pass
    return response
