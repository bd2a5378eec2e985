"""Every interface string is translated: a .pot extracted fresh from the source (as ``make translations`` does,
with babel's own API) against each catalogue in ladder/translations. A missing, empty or fuzzy translation, or one
whose placeholders differ from the Dutch, fails here, so a new string cannot ship in Dutch only."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "ladder" / "translations"
LANGUAGES = ("fy", "en")


def _method_map():
    """babel.cfg's sections as extract_from_dir takes them."""
    from configparser import RawConfigParser
    parser = RawConfigParser()
    parser.read(ROOT / "babel.cfg")
    return [(pattern, method) for method, pattern in
            (section.split(":", 1) for section in parser.sections())
            for method, pattern in [(method.strip(), pattern.strip())]]


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The messages in the source now: ladder's Python and Jinja files, keywords ``_``, ``_l``, ``ngettext``..."""
    catalog = Catalog()
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map=[(p, m) for p, m in _method_map()], options_map=options, keywords=keywords):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    assert len(catalog) > 300, "extraction found too few messages: is babel.cfg read?"
    return catalog


def _catalogue(lang) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no catalogue for {lang}: run pybabel init -l {lang}"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_in_the_source_is_translated(template, lang):
    catalogue = _catalogue(lang)
    missing, empty, fuzzy = [], [], []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        if found is None:
            missing.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
        elif not (all(found.string) if isinstance(found.string, tuple | list) else found.string):
            empty.append(message.id)
    assert not missing, f"{lang}: {len(missing)} strings missing (run make translations): {missing[:5]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy translations to check: {fuzzy[:5]}"
    assert not empty, f"{lang}: {len(empty)} strings without a translation: {empty[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    """Babel's checkers: the same %(name)s placeholders as the Dutch, or the page would crash or lose a number."""
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalogue(lang).check() if errors]
    assert not problems, f"{lang}: {problems[:5]}"


def test_the_frisian_catalogue_says_it_awaits_review_by_a_native_speaker():
    header = (TRANSLATIONS / "fy" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "native speaker" in header.lower() and "review" in header.lower()


def test_every_rung_text_is_in_frisian_and_english():
    """The ladders' own texts (titles, roles, what the resident may expect) are data, not catalogue strings."""
    from ladder import ladders
    found = [value for value in vars(ladders).values() if isinstance(value, ladders.Ladder)]
    assert len(found) >= 3
    gaps = []
    for ladder in found:
        texts = {"title": ladder.title, "description": ladder.description}
        for rung in ladder.rungs:
            texts.update({f"{rung.id}.{name}": getattr(rung, name)
                          for name in ("title", "municipality", "resident", "expectation") if getattr(rung, name)})
        gaps += [f"{ladder.id}: {key}" for key, value in texts.items() if set(value) != {"nl", "fy", "en"}]
    assert not gaps, gaps
