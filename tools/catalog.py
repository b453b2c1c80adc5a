"""Maintainer tool for the translation catalogues in translations/.

    python tools/catalog.py todo LANG [--limit N] [--offset N]
        print the messages of LANG that are untranslated or fuzzy, as JSON
        (id, plural id, context and where the message is used)
    python tools/catalog.py fill LANG FILE.json
        write translations from FILE.json ({"msgid": "text"}; a plural message
        takes a list with one text per plural form) and clear their fuzzy flags
    python tools/catalog.py stats
        untranslated and fuzzy counts per language

Use --dir DIR to work on another catalogue tree (translations-framework/).
"""

import argparse
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def _po_path(directory, lang):
    return Path(directory) / lang / "LC_MESSAGES" / "messages.po"


def _load(path):
    with open(path, "rb") as handle:
        return read_po(handle, locale=path.parts[-3])


def _save(catalog, path):
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)


def _open_messages(catalog):
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            yield message


def todo(args):
    catalog = _load(_po_path(args.dir, args.lang))
    rows = []
    for message in _open_messages(catalog):
        plural = isinstance(message.id, (list, tuple))
        rows.append(
            {
                "id": message.id[0] if plural else message.id,
                "plural": message.id[1] if plural else None,
                "context": message.context,
                "used": [f"{name}:{line}" for name, line in message.locations][:3],
            }
        )
    rows = rows[args.offset : args.offset + args.limit if args.limit else None]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
    print()


def fill(args):
    path = _po_path(args.dir, args.lang)
    catalog = _load(path)
    with open(args.file, encoding="utf-8") as handle:
        given = json.load(handle)
    written, unknown = 0, []
    for key, text in given.items():
        message = catalog.get(key)
        if message is None:
            unknown.append(key)
            continue
        if isinstance(message.id, (list, tuple)):
            if not isinstance(text, list) or len(text) != catalog.num_plurals:
                sys.exit(f"{key!r}: a plural message needs a list of {catalog.num_plurals} texts")
            message.string = tuple(text)
        else:
            if not isinstance(text, str):
                sys.exit(f"{key!r}: expected one text")
            message.string = text
        message.flags.discard("fuzzy")
        written += 1
    _save(catalog, path)
    print(f"{written} written to {path}")
    if unknown:
        print(f"{len(unknown)} not in the catalogue: {unknown[:10]}")


def stats(args):
    for path in sorted(Path(args.dir).glob("*/LC_MESSAGES/messages.po")):
        catalog = _load(path)
        total = sum(1 for message in catalog if message.id)
        fuzzy = sum(1 for message in catalog if message.id and message.fuzzy)
        missing = sum(1 for _ in _open_messages(catalog)) - fuzzy
        print(f"{path.parts[-3]}: {total} messages, {missing} untranslated, {fuzzy} fuzzy")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", default=str(ROOT / "translations"))
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("todo")
    listing.add_argument("lang")
    listing.add_argument("--limit", type=int, default=0)
    listing.add_argument("--offset", type=int, default=0)
    filling = commands.add_parser("fill")
    filling.add_argument("lang")
    filling.add_argument("file")
    commands.add_parser("stats")
    args = parser.parse_args()
    {"todo": todo, "fill": fill, "stats": stats}[args.command](args)


if __name__ == "__main__":
    main()
