"""The translation catalogues are complete and as new as the code.

A message added to the code and not to translations/messages.pot, or in the
template and not translated (or only fuzzily) in a shipped language, fails
here: ``make translations`` and tools/catalog.py are the way out.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from config import Config

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "translations" / "messages.pot"
SHIPPED = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]


def _read(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog):
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def _problems(catalog):
    """(msgid, what is wrong) for every message a reader would not see translated."""
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            yield message.id, "fuzzy"
        elif not all(strings):
            yield message.id, "untranslated"
        for error in message.check(catalog):
            yield message.id, str(error)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    out = tmp_path_factory.mktemp("catalogue") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-k",
            "gettext",
            "-k",
            "_",
            "-k",
            "ngettext:1,2",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return _read(out)


def test_every_marked_string_is_in_the_template(extracted):
    missing = _ids(extracted) - _ids(_read(TEMPLATE))
    assert not missing, (
        f"run `make translations`: {len(missing)} new, e.g. {sorted(map(str, missing))[:5]}"
    )


def test_the_template_holds_no_message_the_code_dropped(extracted):
    stale = _ids(_read(TEMPLATE)) - _ids(extracted)
    assert not stale, (
        f"run `make translations`: {len(stale)} gone, e.g. {sorted(map(str, stale))[:5]}"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    catalog = _read(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", language)
    absent = _ids(_read(TEMPLATE)) - _ids(catalog)
    assert not absent, f"{language}: {len(absent)} messages not merged: run `make translations`"
    problems = list(_problems(catalog))
    assert not problems, f"{language}: {len(problems)} problems, e.g. {problems[:5]}"


def test_framework_strings_are_translated_where_the_framework_ships_no_catalogue():
    """Flask-AppBuilder ships de, fr and es itself; Hindi comes from translations-framework/."""
    import flask_appbuilder

    shipped_by_framework = {
        path.name for path in (Path(flask_appbuilder.__file__).parent / "translations").iterdir()
    }
    for language in SHIPPED:
        own = ROOT / "translations-framework" / language / "LC_MESSAGES" / "messages.po"
        if language in shipped_by_framework:
            continue
        assert own.exists(), f"{language}: no catalogue for the framework's strings"
        problems = list(_problems(_read(own, language)))
        assert not problems, (
            f"{language} (framework): {len(problems)} problems, e.g. {problems[:5]}"
        )


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
    + sorted((ROOT / "translations-framework").glob("*/LC_MESSAGES/messages.po")),
    ids=lambda path: f"{path.parts[-4]}/{path.parts[-3]}",
)
def test_no_catalogue_is_marked_fuzzy_as_a_whole(path):
    """``pybabel compile`` (what ``make run`` does) skips a catalogue whose header is fuzzy."""
    assert not _read(path, path.parts[-3]).fuzzy, f"{path}: remove '#, fuzzy' above the header"
