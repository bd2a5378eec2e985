"""Exporters: write a response frame to a file in one format."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO


@dataclass(frozen=True)
class Exporter:
    """``write(frame, survey, fh)`` writes the frame to the binary file ``fh``."""

    name: str
    extension: str
    mimetype: str
    write: Callable[[Any, Any, BinaryIO], None]
