"""Issue 11: /toegankelijkheid as the Dutch model accessibility statement, filled from configuration per
municipality; what is not configured shows as "[in te vullen]"."""
from __future__ import annotations

import re
from datetime import date

import pytest

from ladder.accessibility import municipality_key, statement

TAGS = re.compile(r"<[^>]+>")


def text_of(response) -> str:
    return " ".join(TAGS.sub(" ", response.get_data(as_text=True)).split())


@pytest.fixture
def ladder_config():
    return {"EXTRA_PLUGINS": [], "DISABLED_PLUGINS": [],
            "ACCESSIBILITY_MUNICIPALITIES": {"Molenwaard": {
                "status": "voldoet volledig", "checked_on": "2026-10-01", "checked_by": "Stichting Proef",
                "statement_date": "2026-10-15", "contact_email": "toegankelijk@molenwaard.example",
                "contact_phone": "0184 000 000", "complaints": "Gebruik het klachtenformulier op molenwaard.example.",
                "known_issues": [{"issue": "Een pdf is niet toegankelijk.", "measure": "We maken er een webpagina van.",
                                  "planned": "2027-01-31"}]}}}


def test_the_default_statement_has_every_part_of_the_model_and_marks_what_to_fill_in(ladder_client):
    response = ladder_client.get("/toegankelijkheid")
    assert response.status_code == 200
    text = text_of(response)
    for part in ("Toegankelijkheidsverklaring", "WCAG 2.1", "EN 301 549", "Status",
                 "Deze website voldoet gedeeltelijk aan de eisen.", "Laatst onderzocht op", "Bekende problemen",
                 "Loopt u ergens tegenaan?", "Niet tevreden? Dien een klacht in", "de Nationale ombudsman"):
        assert part in text, part
    # not configured: visible as such, never silently left out
    assert text.count("[in te vullen]") >= 4
    assert "moedertaal" in text  # the known issue the defaults name


def test_a_municipality_gets_its_own_statement_from_configuration(ladder_client):
    index = ladder_client.get("/toegankelijkheid").get_data(as_text=True)
    assert 'href="/toegankelijkheid/molenwaard"' in index and 'href="/toegankelijkheid/sudwest-fryslan"' in index
    text = text_of(ladder_client.get("/toegankelijkheid/molenwaard"))
    assert "De gemeente Molenwaard wil dat iedereen deze website kan gebruiken." in text
    assert "Deze website voldoet volledig aan de eisen." in text
    assert "1 oktober 2026" in text and "15 oktober 2026" in text and "Stichting Proef" in text
    assert "toegankelijk@molenwaard.example" in text and "0184 000 000" in text
    assert "Een pdf is niet toegankelijk. We maken er een webpagina van. Opgelost uiterlijk 31 januari 2027." in text
    assert "klachtenformulier" in text
    assert "U krijgt binnen 5 werkdagen een reactie." in text  # the installation's default, not overridden
    assert "[in te vullen]" not in text
    # another municipality keeps the defaults
    other = text_of(ladder_client.get("/toegankelijkheid/zwijndrecht"))
    assert "De gemeente Zwijndrecht wil" in other and "[in te vullen]" in other


def test_an_unknown_municipality_is_not_found(ladder_client):
    assert ladder_client.get("/toegankelijkheid/atlantis").status_code == 404


def test_bad_configuration_shows_as_not_filled_in():
    made = statement({"status": "prima", "checked_on": "gisteren", "response_days": -2})
    assert made.status is None and made.checked_on is None and made.response_days is None
    assert {"status", "checked_on", "response_days", "contact_email"} <= set(made.missing)
    good = statement({"status": "voldoet niet", "checked_on": date(2026, 1, 2), "contact_phone": "14 010"})
    assert good.status == "voldoet niet" and good.checked_on == date(2026, 1, 2)
    assert "contact_email" not in good.missing


def test_municipality_keys_are_plain_ascii():
    assert municipality_key("Súdwest-Fryslân") == "sudwest-fryslan"
    assert municipality_key("Haarlemmermeer") == "haarlemmermeer"
