"""Hashes that are the same on every machine and run, for ids, splits and claims."""

from __future__ import annotations

try:  # hashlib.blake2b *is* _blake2.blake2b; importing all of hashlib loads OpenSSL (start-up)
    from _blake2 import blake2b
except ImportError:  # an interpreter without the built-in module
    from hashlib import blake2b


def stable_hash(*parts: object) -> int:
    """A 64-bit hash that is the same on every machine and run (unlike `hash()`)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")
