"""Sphinx configuration for ladder's documentation."""
project = "ladder"
author = "the ladder developers"
language = "en"
extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
