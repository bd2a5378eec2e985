"""Benchmarks for ladder. ``python -m bench.submit`` (``make bench``) measures the submit path.

Nothing here is imported by ladder itself; the package only needs the test dependencies.
"""
