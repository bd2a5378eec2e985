"""The representativeness index of a publication: how much the people who answered look like the population."""
from __future__ import annotations

import pandas as pd


def representativeness(survey, frame: pd.DataFrame, margins_path) -> float | None:
    """The representativeness index (0-100) of all respondents against the population figures, when the
    installation has them (``SURVEY_MARGINS = {slug: path}``) and the survey declares demographics. One
    whole number for the whole survey, over age and sex: it gives no count away."""
    if not margins_path or not survey.demographics:
        return None
    from ..analysis.weights import (read_margins, representativeness as table_of, representativeness_index,
                                    survey_demographics)
    try:
        margins = read_margins(margins_path)
        questions, categories = survey_demographics(survey, margins)
        index = representativeness_index(table_of(frame, margins, questions, categories))
    except (OSError, ValueError, KeyError):
        return None
    return float(round(index["index"].mean())) if len(index) else None
