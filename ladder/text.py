"""Translatable text: a mapping of locale to string, Dutch first."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT_LOCALE = "nl"
LOCALES = ("nl", "fy", "en")

Text = Mapping[str, str]


def text(value: str | Mapping[str, str] | None) -> Text:
    """Normalise a plain string (Dutch) or a locale mapping to a read-only Text."""
    if value is None:
        return MappingProxyType({})
    if isinstance(value, str):
        return MappingProxyType({DEFAULT_LOCALE: value})
    return MappingProxyType(dict(value))


def pick(value: Text | str | None, locale: str | None = None) -> str:
    """Return the text for ``locale``, falling back to Dutch, then to any text there is."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if locale and locale in value:
        return value[locale]
    if DEFAULT_LOCALE in value:
        return value[DEFAULT_LOCALE]
    return next(iter(value.values()))


def with_translations(dutch: str | None, translations: Mapping[str, str] | None) -> Text:
    """A staff text stored as a Dutch column beside ``{locale: text}``, as one Text; empty without Dutch."""
    if not dutch:
        return MappingProxyType({})
    return MappingProxyType({DEFAULT_LOCALE: dutch, **{loc: value for loc, value in (translations or {}).items()
                                                      if value and loc != DEFAULT_LOCALE}})


def municipality_name(municipality: str) -> str:
    """The name alone: "Voorbeeld" also when a survey file says "Gemeente Voorbeeld" (older plugin templates did)."""
    name = municipality or ""
    return name[9:].strip() if name[:9].casefold() == "gemeente " else name
