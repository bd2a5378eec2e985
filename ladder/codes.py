"""Codes a resident writes down (receipt, resume): short, unambiguous, stored only as a hash."""
from __future__ import annotations

import hashlib
import hmac
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
    cleaned = "".join(filter(str.isalnum, code.upper()))
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


def code_hash(code: str) -> str:
    """Plain SHA-256 of the normalised code: receipts, resume codes and set-password tokens."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def derive_key(secret: str | bytes, purpose: str) -> bytes:
    """A key for one purpose, derived from the server's secret (its SECRET_KEY or a dedicated secret)."""
    if not secret:
        raise ValueError("a server secret is needed")
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, f"ladder:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(code: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised code: invite codes. Without the server's key, a list of codes (the mail
    merge file) cannot be matched to the stored hashes."""
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def keyed_text_hash(value: str | bytes, key: bytes) -> str:
    """HMAC-SHA256 of text as given (not normalised): idempotency keys and request bodies."""
    raw = value.encode() if isinstance(value, str) else value
    return hmac.new(key, raw, hashlib.sha256).hexdigest()


def _pad(secret: str, length: int) -> bytes:
    pad = b""
    counter = 0
    while len(pad) < length:
        pad += hmac.new(secret.encode(), f"seal:{counter}".encode(), hashlib.sha256).digest()
        counter += 1
    return pad[:length]


def seal(text: str, secret: str) -> str:
    """Encrypt short text (a receipt) with a key only its owner holds (the draft code, an idempotency key
    with the server's key): XOR with an HMAC stream, each secret sealing one text. Hex."""
    raw = text.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(secret, len(raw)))).hex()


def unseal(sealed: str, secret: str) -> str:
    raw = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(raw, _pad(secret, len(raw)))).decode()
