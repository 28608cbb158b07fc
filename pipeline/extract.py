"""Run the reading stages in order on one file. No stage calls the next; this does.

    check_file -> [stored readings?] -> decode_pages -> read_document -> interpret -> check_completeness

Expected refusals (bad file, illegible, incomplete) come back as an `Extraction`
with `ok=False` and a reason code; only programming errors escape.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, replace
from typing import Protocol

from pipeline.decode import decode_pages
from pipeline.errors import FileTooLargeError, IncompleteReceiptError, PermanentError
from pipeline.fraud.editing import image_forensics
from pipeline.interpret import interpret
from pipeline.intake import check_file
from pipeline.read import reader_version, read_document
from pipeline.settings import IntakeLimits, LegibilityLimits, ReadingSettings, Settings
from pipeline.values import Extraction, Legibility, Reading, ReceiptFields

log = logging.getLogger(__name__)


class ReadingStore(Protocol):
    """Where originals and readings are kept (models.store.ReadingStore in production)."""

    def keep_file(self, name: str, data: bytes, sha256: str, kind: str, *, keep_bytes: bool = True) -> None: ...
    def load_readings(self, sha256: str, reader_version: str): ...
    def save_readings(self, sha256: str, reader_version: str, readings: tuple[Reading, ...],
                      legibility: Legibility | None, metadata: dict[str, str], seconds: float) -> int: ...


@dataclass(frozen=True)
class ExtractOptions:
    """Everything the reading stages need, built once from Settings (and a program)."""

    intake: IntakeLimits = IntakeLimits()
    legibility: LegibilityLimits = LegibilityLimits()
    reading: ReadingSettings = ReadingSettings()


def options_for(settings: Settings, program: str | None = None) -> ExtractOptions:
    """The options for one program (its intake and legibility overrides), from process settings."""
    return ExtractOptions(intake=settings.intake_limits(program),
                          legibility=settings.legibility_limits(program),
                          reading=settings.reading())


@dataclass(frozen=True)
class ExtractResult:
    extraction: Extraction
    reading_id: int | None  # the stored readings it was parsed from
    from_store: bool  # True when no decoding/OCR was needed


def refused(name: str, sha256: str | None, error: PermanentError, seconds: float, **kw) -> Extraction:
    return Extraction(file=name, sha256=sha256, ok=False, fields=ReceiptFields(),
                      error_code=str(error.reason), error_message=error.message, seconds=seconds, **kw)


def check_completeness(fields: ReceiptFields) -> None:
    """Seed 002 wants the retailer, the date and the total on the proof."""
    missing = [label for label, present in (
        ("total", fields.total is not None),
        ("date", fields.date is not None),
        ("retailer", bool(fields.retailer.name or fields.retailer.postal_code or fields.retailer.siret)),
    ) if not present]
    if "card_slip" in fields.markers:
        return  # a card slip is refused for what it is, not for what it lacks
    if missing:
        raise IncompleteReceiptError(
            f"The receipt looks cut or incomplete: no {', no '.join(missing)} could be found on it "
            f"({3 - len(missing)} of the 3 required items found)."
        )


def extract_receipt(name: str, data: bytes, options: ExtractOptions,
                    store: ReadingStore | None = None) -> ExtractResult:
    """Read one uploaded file into fields, or a refusal with its reason."""
    started = time.perf_counter()
    sha256 = hashlib.sha256(data).hexdigest()
    elapsed = lambda: time.perf_counter() - started  # noqa: E731
    try:
        checked = check_file(name, data, options.intake)
    except PermanentError as e:
        if store is not None:
            store.keep_file(name, data, sha256, "unknown", keep_bytes=not isinstance(e, FileTooLargeError))
        return ExtractResult(refused(name, sha256, e, elapsed()), None, False)

    if store is not None:
        store.keep_file(name, data, sha256, checked.kind)
    version = reader_version(options.reading)
    stored = store.load_readings(sha256, version) if store is not None else None
    reading_id = None
    if stored is not None:
        reading_id, readings, legibility, metadata = stored
    else:
        try:
            document = decode_pages(checked, options.intake)
            # the image forensics: measured once, on the decoded pixels, kept with the reading
            readings, legibility, metadata = read_document(document, options.reading, options.legibility,
                                                           alongside=lambda: image_forensics(document))
        except PermanentError as e:
            return ExtractResult(refused(name, sha256, e, elapsed()), None, False)
        if store is not None:
            reading_id = store.save_readings(sha256, version, readings, legibility, metadata, elapsed())

    fields = interpret(readings)
    extraction = Extraction(file=name, sha256=sha256, ok=True, fields=fields, readings=readings,
                            legibility=legibility, metadata=metadata)
    try:
        check_completeness(fields)
    except PermanentError as e:
        extraction = replace(extraction, ok=False, error_code=str(e.reason), error_message=e.message)
    return ExtractResult(replace(extraction, seconds=elapsed()), reading_id, stored is not None)
