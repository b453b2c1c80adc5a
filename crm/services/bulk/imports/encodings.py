"""Which encoding a text file was saved in: UTF first, then the code pages the
importing user's language writes in, and only then a statistical guess.

A guess alone picks Windows-1250 for French or German text (è becomes č), so a code page
the user's language favours wins whenever the bytes decode in it.
"""

from flask_babel import lazy_gettext as _l

from crm.services.core.errors import ValidationFailed

# The encodings a user may choose on the mapping screen, with their names.
ENCODINGS = {
    "utf-8": _l("Unicode (UTF-8)"),
    "utf-16": _l("Unicode (UTF-16)"),
    "cp1252": _l("Western European (Windows-1252)"),
    "iso-8859-15": _l("Western European (ISO-8859-15)"),
    "mac_roman": _l("Western European (Mac)"),
    "cp850": _l("Western European (DOS 850)"),
    "cp1250": _l("Central European (Windows-1250)"),
    "iso-8859-2": _l("Central European (ISO-8859-2)"),
    "cp1251": _l("Cyrillic (Windows-1251)"),
    "cp1253": _l("Greek (Windows-1253)"),
    "cp1254": _l("Turkish (Windows-1254)"),
    "cp1257": _l("Baltic (Windows-1257)"),
}
WESTERN = ("cp1252",)
# Code pages tried, in order, for text written in each language (after UTF-8 and UTF-16).
LANGUAGE_CODE_PAGES = {
    "en": WESTERN,
    "de": WESTERN,
    "fr": WESTERN,
    "es": WESTERN,
    "it": WESTERN,
    "nl": WESTERN,
    "pt": WESTERN,
    "da": WESTERN,
    "sv": WESTERN,
    "nb": WESTERN,
    "fi": WESTERN,
    "pl": ("cp1250",),
    "cs": ("cp1250",),
    "sk": ("cp1250",),
    "hu": ("cp1250",),
    "sl": ("cp1250",),
    "hr": ("cp1250",),
    "ro": ("cp1250",),
    "ru": ("cp1251",),
    "uk": ("cp1251",),
    "bg": ("cp1251",),
    "el": ("cp1253",),
    "tr": ("cp1254",),
    "lt": ("cp1257",),
    "lv": ("cp1257",),
    "et": ("cp1257",),
    # Hindi is written in Unicode; no code page is preferred over the guess.
    "hi": (),
}
DEFAULT_CODE_PAGES = WESTERN
_SAMPLE = 200_000


def _language(locale: str | None) -> str:
    return (locale or "en").replace("-", "_").split("_")[0].lower()


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 saved without its byte-order mark: one byte of each pair (the high one) takes
    only a few values in text of one script, and the whole decodes to printable text."""
    sample = content[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    for codec, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if len(set(high)) > 3:
            continue
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return codec
    return None


def detect(content: bytes, locale: str | None = None) -> str:
    """The encoding ``content`` is most likely in, for a user writing in ``locale``."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    # Before UTF-8: UTF-16 text (its NUL bytes included) is often valid UTF-8 too.
    found = _utf16_without_bom(content)
    if found:
        return found
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    for code_page in LANGUAGE_CODE_PAGES.get(_language(locale), DEFAULT_CODE_PAGES):
        try:
            content.decode(code_page)
            return code_page
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(content[:_SAMPLE]).best()
    return best.encoding if best is not None else "cp1252"


def decode(
    content: bytes, encoding: str | None = None, locale: str | None = None
) -> tuple[str, str]:
    """(text, encoding): in the given encoding, else the detected one."""
    chosen = encoding or detect(content, locale)
    if chosen in ("utf-8", "utf-8-sig"):
        chosen, codec = "utf-8", "utf-8-sig"
    else:
        codec = chosen
    try:
        return content.decode(codec), chosen
    except LookupError:
        raise ValidationFailed(
            {"encoding": [_l("%(name)s is not an encoding this import reads.", name=chosen)]}
        )
    except UnicodeDecodeError as exc:
        if encoding is None:
            return content.decode(codec, errors="replace"), chosen
        raise ValidationFailed(
            {
                "encoding": [
                    _l(
                        "This file is not in %(name)s (byte %(at)d does not fit); choose another encoding.",
                        name=ENCODINGS.get(chosen, chosen),
                        at=exc.start + 1,
                    )
                ]
            }
        )
