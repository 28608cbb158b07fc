"""API keys: create (shown once), verify, revoke; and the per-key rate limit.

Keys look like `rk_<key_id>_<secret>`; only the sha256 of the whole key is stored
(see `models.service` for why a fast hash is right for a random secret).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sqlmodel import select

from models.base import now
from models.db import session
from models.service import ApiKey

PREFIX = "rk"


@dataclass(frozen=True)
class Client:
    """Who is calling: the key's row id, its program, and its rate limit."""

    key_pk: int
    key_id: str
    program: str
    rate_limit_per_minute: int | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(url: str, program: str, *, label: str | None = None,
               rate_limit_per_minute: int | None = None) -> str:
    """Make a new key for `program`; the plain key is returned once and never stored."""
    key_id = secrets.token_hex(6)
    key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    with session(url) as s:
        s.add(ApiKey(key_id=key_id, secret_sha256=_digest(key), program=program, label=label,
                     rate_limit_per_minute=rate_limit_per_minute))
        s.commit()
    return key


def revoke_key(url: str, key_id_or_key: str) -> bool:
    """Revoke by key id (or by the whole key); True when a live key was revoked."""
    key_id = parse_key_id(key_id_or_key) or key_id_or_key
    with session(url) as s:
        row = s.exec(select(ApiKey).where(ApiKey.key_id == key_id)).first()
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now()
        s.add(row)
        s.commit()
        return True


def list_keys(url: str, program: str | None = None) -> list[ApiKey]:
    with session(url) as s:
        query = select(ApiKey).order_by(ApiKey.id)
        if program:
            query = query.where(ApiKey.program == program)
        return list(s.exec(query).all())


def parse_key_id(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def verify_key(url: str, key: str) -> Client | None:
    """The live key's client, or None (unknown, malformed, revoked: all look the same)."""
    key_id = parse_key_id(key)
    if key_id is None:
        return None
    with session(url) as s:
        row = s.exec(select(ApiKey).where(ApiKey.key_id == key_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_sha256, _digest(key)):
        return None
    return Client(key_pk=row.id, key_id=row.key_id, program=row.program,
                  rate_limit_per_minute=row.rate_limit_per_minute)


class RateLimiter:
    """Fixed one-minute windows per key: in Redis (shared by API processes) or in-process."""

    def __init__(self, redis_client=None) -> None:
        self._redis = redis_client
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key_id: str, limit: int) -> int | None:
        """Count one request; None when allowed, else seconds until the window ends."""
        if limit <= 0:
            return None
        moment = time.time()
        window = int(moment // 60)
        retry_after = max(1, int(60 - moment % 60))
        count = None
        if self._redis is not None:
            from redis.exceptions import RedisError

            name = f"receipts:ratelimit:{key_id}:{window}"
            try:
                pipe = self._redis.pipeline()
                pipe.incr(name)
                pipe.expire(name, 120)
                count = pipe.execute()[0]
            except RedisError:  # Redis away: count in this process rather than refuse every upload
                count = None
        if count is None:
            with self._lock:
                count = self._counts.get((key_id, window), 0) + 1
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
                self._counts[(key_id, window)] = count
        return retry_after if count > limit else None
