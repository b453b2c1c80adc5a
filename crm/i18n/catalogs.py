"""Compiling the translation catalogues (``.po`` -> ``.mo``).

``make translations`` does the whole round (extract, update, compile) with
pybabel; this compiles what is stale, so a test run or a fresh checkout never
serves a catalogue older than its ``.po``.
"""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
DIRECTORIES = (ROOT / "translations", ROOT / "translations-framework")


def catalogue_files(directories=DIRECTORIES):
    for directory in directories:
        yield from sorted(Path(directory).glob("*/LC_MESSAGES/messages.po"))


def compile_stale(directories=DIRECTORIES):
    """Compile every catalogue whose .mo is missing or older than its .po; returns their paths."""
    compiled = []
    for po_path in catalogue_files(directories):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        # Written aside and renamed into place: parallel test workers compile at the same
        # time, and none may read a half-written catalogue.
        aside = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        try:
            with open(aside, "wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            os.replace(aside, mo_path)
        finally:
            aside.unlink(missing_ok=True)
        compiled.append(mo_path)
    return compiled
