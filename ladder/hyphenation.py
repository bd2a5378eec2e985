"""Soft hyphens in long words, so a phone breaks "kerncontactfunctionaris" at a syllable, with a hyphen.

CSS ``hyphens: auto`` needs the browser's own patterns: Safari and Firefox have Dutch ones, Chromium on Linux and
Windows only once its component updater has fetched them, and none has Frisian. Without them the last resort,
``overflow-wrap: anywhere``, cuts a word that does not fit anywhere ("kerncontactfunctio|naris"). A soft hyphen
(U+00AD) is a break opportunity every browser honours, drawn as "-" only where the line breaks; where a word
has one, CSS says the browser's own patterns are not used for it. The patterns are LibreOffice's, through Pyphen
(which WeasyPrint already uses for the paper forms).
"""
from __future__ import annotations

import re
from functools import lru_cache

SOFT_HYPHEN = "\u00ad"

# Shorter words fit the narrowest place survey text is shown at 320 px (a heading, about 17 letters); longer ones
# get their break opportunities. Words that fit are not hyphenated at a line's end: hyphens in running text
# slow readers down (B1), so only the words that would otherwise be cut get them.
MIN_LETTERS = 16

# Pyphen has no Frisian patterns. Frisian compounds split at the same kind of syllable boundaries as Dutch ones
# (doarps-be-lang, gear-wur-king), and a break at a syllable with a hyphen reads better than one anywhere.
PATTERNS = {"nl": "nl_NL", "fy": "nl_NL", "en": "en_GB"}

_LONG_WORD = re.compile(r"[^\W\d_]{%d,}" % MIN_LETTERS)


@lru_cache(maxsize=None)
def _dictionary(lang: str):
    import pyphen
    return pyphen.Pyphen(lang=PATTERNS[lang], left=3, right=3)


def soft_hyphens(text: str, lang: str) -> str:
    """``text`` with soft hyphens between the syllables of its words of ``MIN_LETTERS`` letters or more; other
    words, and text in a language without patterns, as they are."""
    if not text or lang not in PATTERNS or SOFT_HYPHEN in text:
        return text
    dictionary = _dictionary(lang)
    return _LONG_WORD.sub(lambda m: dictionary.inserted(m.group(0), hyphen=SOFT_HYPHEN), text)
