"""Codes a resident writes down (receipt, resume): short, unambiguous, stored only as a hash."""
from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 5/S or 2/Z: a code read aloud or copied by hand must survive.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"


def new_code(groups: int = 3, size: int = 4) -> str:
    """Return a random code such as ``K7PM-3QXD-RT9A`` (about 57 bits)."""
    # One call to the system's randomness, written out in base len(ALPHABET): cheaper than one per character.
    number = secrets.randbelow(len(ALPHABET) ** (groups * size))
    chars = []
    for _ in range(groups * size):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "-".join("".join(chars[i:i + size]) for i in range(0, groups * size, size))


def normalise(code: str) -> str:
    """Accept the code as typed: any case, spaces or missing hyphens."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()
