"""Settings, built once at start-up (CLI, worker boot, web app) and passed in.

Stages never read the environment; they receive the frozen pieces they need
(`IntakeLimits`, `ReadingSettings`). Environment variables use the names of the
service contract: DATABASE_URL, REDIS_URL, RECEIPTS_DATA_DIR, plus RECEIPTS_* for
the rest.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

TIMEZONE = ZoneInfo("Europe/Paris")
PROGRAMS_DIR = Path(__file__).resolve().parent.parent / "samples" / "programs"


@dataclass(frozen=True)
class IntakeLimits:
    """What a file must respect before any reading (seed 002 art. 3.2.1.1)."""

    max_bytes: int = 5 * 1024 * 1024  # 5 MiB = 5,242,880 bytes
    max_pixels: int = 40_000_000  # decompression-bomb guard, per page
    max_side: int = 12_000  # absurd dimensions (a 1 x 60,000 strip is no photo)
    min_side: int = 200  # smaller than this, no receipt can be read
    max_pdf_pages: int = 4
    decode_seconds: float = 20.0  # wall-clock limit for the sandboxed decoder
    decode_memory_mb: int = 1536  # address-space limit for the sandboxed decoder
    pdf_render_dpi: int = 200


@dataclass(frozen=True)
class LegibilityLimits:
    """Below these measured figures a moderator could not read the receipt either."""

    # variance of the Laplacian of the flattened receipt (ink 0, paper 255, 26 px characters,
    # Gaussian sigma 1 first). Calibrated on photographed renders: sharp photos 13,000-17,000,
    # Tesseract still ~90% right near 800, collapsing below ~450 (blur sigma = 0.16 x char height).
    min_sharpness: float = 600.0
    min_brightness: float = 45.0  # mean grey level of the receipt region (renders: 55 still reads 97%)
    # paper (90th percentile) minus median ink grey; sharp prints 100-160. Generated photos measured
    # at 39 read every field right; the OCR confidence check below remains the backstop.
    min_contrast: float = 32.0
    min_text_height: float = 7.0  # median character height in original pixels (6 px: ~80% read)
    min_mean_confidence: float = 45.0  # OCR mean word confidence over the page


@dataclass(frozen=True)
class ReadingSettings:
    """How the OCR stage reads a prepared page."""

    languages: str = "fra+eng"
    tessdata_dir: str | None = None  # None: let the engine module find it
    target_char_height: int = 26  # Tesseract reads best at ~20-30 px characters
    fallback_engine: bool = True  # re-read doubtful lines (total, postal code) with PP-OCR
    ocr_seconds: float = 60.0
    # threads one receipt's reading may use (the image forensics beside the OCR, the legibility
    # figures beside the page's cleaning, PP-OCR's re-reads); the reading is the same for any count
    threads: int = 2


class Settings(BaseSettings):
    """Process-wide settings. Build with `Settings()` (environment) or explicitly in tests."""

    model_config = SettingsConfigDict(env_prefix="RECEIPTS_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path("var"), validation_alias=AliasChoices("RECEIPTS_DATA_DIR", "data_dir")
    )
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "redis_url")
    )
    programs_dir: Path = PROGRAMS_DIR
    ocr_threads: int = 1  # OMP threads per process: processes scale on cores
    # threads one receipt's reading may use in this process: 2 in the in-process modes, which
    # have the machine to themselves; `receipts worker` sets 1 (one core per worker process)
    reading_threads: int = 2
    personal_data_retention_days: int = 5 * 365  # seed 002 art. 9: kept 5 years
    # -- service mode (issue 5): workers, broker, sweeper, API ------------------------
    worker_processes: int = 2  # `receipts worker` default; one OCR thread each
    worker_threads: int = 1
    broker_heartbeat_ms: int = 60_000  # a dead worker's unacked messages go back after this
    broker_maintenance_chance: int = 1_000  # per million broker calls (dramatiq's default)
    retry_max: int = 8  # transient failures only; then dead-lettered (status `failed`)
    retry_min_backoff_ms: int = 2_000
    retry_max_backoff_ms: int = 300_000
    job_time_limit_ms: int = 600_000
    sweep_after_seconds: float = 600.0  # queued/processing longer than this: re-enqueued
    sweep_every_seconds: float = 60.0  # how often a worker process sweeps (0: never)
    sweep_max_attempts: int = 5  # a declaration started this often without a decision: failed
    rate_limit_per_minute: int = 120  # per API key; shared through Redis when REDIS_URL is set
    embedded_threads: int = 1  # API without REDIS_URL: in-process processing threads

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'receipts.db').as_posix()}"

    def intake_limits(self, program: str | None = None) -> IntakeLimits:
        """The default limits, overridden by the program config's [intake] table."""
        return self._program_overrides(IntakeLimits(), program, "intake")

    def legibility_limits(self, program: str | None = None) -> LegibilityLimits:
        """The default legibility floors, overridden by the program config's [legibility] table."""
        return self._program_overrides(LegibilityLimits(), program, "legibility")

    def _program_overrides(self, defaults, program: str | None, table: str):
        if program is None:
            return defaults
        return replace(defaults, **load_program(self.programs_dir, program).get(table, {}))

    def reading(self) -> ReadingSettings:
        return ReadingSettings(threads=self.reading_threads)


def load_program(programs_dir: Path, name: str) -> dict:
    """Read one program's config file (`<programs_dir>/<name>.toml`)."""
    path = programs_dir / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in programs_dir.glob("*.toml"))
        raise ValueError(f"unknown program {name!r}; known: {', '.join(known) or 'none'}")
    with path.open("rb") as fh:
        return tomllib.load(fh)
