"""Surveys in and out as XLSForm, the spreadsheet format of ODK and KoboToolbox.

- ``xlsform.importing``: ``import_xlsform(path)`` reads a form with pyxform's workbook reader and returns a survey
  file's data (see docs/survey-files.rst) and a list of what did not map, each with its sheet, row and reason;
  ``write_survey_file`` is ``ladder import-xlsform``.
- ``xlsform.xpath``: the ``relevant`` and ``constraint`` expressions, into ladder's conditions and options.
- ``xlsform.exporting``: ``export_xlsform`` writes a survey back as an XLSForm.

What XLSForm has no column for (municipality, purpose, retention, areas, aspects, rung logic) travels in
extra sheets that XLSForm tools ignore: ``ladder_settings`` (key, value, value::fy, value::en),
``ladder_areas`` (code, name, name::fy, name::en, kind, parent) and ``ladder`` (question, choice, aspect,
rung: the mapping table for simple survey-driven placement, ``ladder.placing.mapping_place``).
"""
