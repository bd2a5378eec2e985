"""register_exporters: one JSON object per line (ndjson), for a municipality's data platform."""
from ladder import Exporter, hookimpl


def write_ndjson(frame, survey, fh):
    fh.write(frame.to_json(orient="records", lines=True, date_format="iso").encode("utf-8"))


@hookimpl
def register_exporters():
    return [Exporter(name="ndjson", extension="ndjson", mimetype="application/x-ndjson", write=write_ndjson)]
