"""register_summaries: how many residents each rung got, per aspect, as one table."""
import pandas as pd

from ladder import hookimpl, make_summary


def per_rung(frame, survey):
    rows = [{"aspect": column.removeprefix("rung_"), "rung": rung, "respondents": int(count)}
            for column in frame.columns if column.startswith("rung_")
            for rung, count in frame[column].value_counts(sort=False).items()]
    return pd.DataFrame(rows, columns=["aspect", "rung", "respondents"])


@hookimpl
def register_summaries():
    # "respondents" counts people: disclosure control hides small counts in it
    return [make_summary("per_trede", {"nl": "Inwoners per trede", "en": "Residents per rung"}, per_rung,
                         counts=["respondents"])]
