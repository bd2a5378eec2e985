"""What a resident is told to do next (issue 23): a next step that asks them to join says how."""
import re
from html import unescape

from test_area_question import bundled  # noqa: F401  (fixture)


def test_each_bundled_next_step_that_asks_residents_to_sign_up_says_how(bundled):
    """Rotterdam said "meldt u zich apart aan" without how (issue 23): a next step that asks residents to join or
    sign up gives a phone number, an address or a link on the start page."""
    client = bundled.test_client()
    for slug, survey in sorted(bundled.extensions["ladder"].surveys.items()):
        if not survey.next_steps:
            continue
        html = client.get(f"/s/{slug}").get_data(as_text=True)
        steps = re.search(r"<dt>Wat gebeurt er daarna\?</dt><dd>(.*?)</dd>", html, re.S).group(1)
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", steps)).replace("\u00ad", "").split())
        if re.search(r"\b(meld\w* u zich|aanmelden|meedoen in de groep)\b", text, re.I):
            assert re.search(r"\b\d{2,3} ?\d{3}\b|<a href=|@|www\.", text + steps), (slug, text)
