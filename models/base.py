"""Shared column helpers: every timestamp is timezone-aware, shown in Europe/Paris."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, TypeDecorator

from pipeline.settings import TIMEZONE


def now() -> datetime:
    """The current time in Europe/Paris."""
    return datetime.now(TIMEZONE)


class ParisDateTime(TypeDecorator):
    """Stores UTC, returns Europe/Paris-aware datetimes on every backend (SQLite has no tz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        return value.astimezone(TIMEZONE).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite stores Paris wall-clock time
            return value.replace(tzinfo=TIMEZONE)
        return value.astimezone(TIMEZONE)
