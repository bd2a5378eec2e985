"""The web layer: the pages (``views``, one blueprint per area), their forms, sign-in (``auth``), template
filters and the security headers. Nothing below it imports it (tests/test_structure.py); ``ladder.app``
puts it together. See docs/architecture.rst."""
