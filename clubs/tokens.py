"""Invitation tokens. The raw token travels only in the email link; the database keeps its sha256.

A raw token is `secrets.token_urlsafe(32)`: 32 random bytes (256 bits), 43 URL-safe characters.
Lookups are by hash, so a database leak does not give working links.
"""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def hash_token(raw: str) -> str:
    """The sha256 hex digest (64 characters) stored for a raw token."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh (raw token, stored hash) pair."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, hash_token(raw)


def token_matches(raw: str, stored_hash: str) -> bool:
    """Whether a raw token hashes to a stored hash, compared in constant time."""
    return hmac.compare_digest(hash_token(raw), stored_hash)
