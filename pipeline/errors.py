"""One error hierarchy for the whole pipeline; every error carries a reason code.

    ReceiptError                      root; .reason (Reason), .message (human sentence)
     ├── PermanentError               record as the declaration's outcome, never retry
     │    ├── IntakeError             the file itself is refused
     │    │    ├── UnsupportedFormatError   reason unsupported_format
     │    │    ├── FileTooLargeError        reason file_too_large
     │    │    ├── ImageTooLargeError       reason image_too_large (bombs, absurd dimensions)
     │    │    └── CorruptFileError         reason corrupt_file (truncated, undecodable, decoder limits)
     │    └── ReadingError            the file decodes but cannot serve as proof
     │         ├── IllegibleError           reason illegible (blur, darkness, too small, no text)
     │         └── IncompleteReceiptError   reason incomplete_receipt (no total, date or retailer)
     └── TransientError               retry with backoff (engine crashed or timed out, I/O)
          └── EngineError             reason engine_failure

Expected outcomes are returned as values (an `Extraction` with `ok=False`), never
raised past the stage runner; only programming errors escape it.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Machine-readable reason codes. Values are a stable contract: only ever add."""

    UNSUPPORTED_FORMAT = "unsupported_format"
    FILE_TOO_LARGE = "file_too_large"
    IMAGE_TOO_LARGE = "image_too_large"
    CORRUPT_FILE = "corrupt_file"
    ILLEGIBLE = "illegible"
    INCOMPLETE_RECEIPT = "incomplete_receipt"
    ENGINE_FAILURE = "engine_failure"


class ReceiptError(Exception):
    """Root of every error the pipeline raises on purpose."""

    reason: Reason = Reason.CORRUPT_FILE
    transient: bool = False

    def __init__(self, message: str, *, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason

    def as_dict(self) -> dict[str, str]:
        return {"code": str(self.reason), "message": self.message}


class PermanentError(ReceiptError):
    """The same input will fail the same way: record it, do not retry."""


class TransientError(ReceiptError):
    """May succeed on a retry (engine crash, time-out, unavailable service)."""

    transient = True


class IntakeError(PermanentError):
    """The uploaded file is refused before any reading."""


class UnsupportedFormatError(IntakeError):
    reason = Reason.UNSUPPORTED_FORMAT


class FileTooLargeError(IntakeError):
    reason = Reason.FILE_TOO_LARGE


class ImageTooLargeError(IntakeError):
    reason = Reason.IMAGE_TOO_LARGE


class CorruptFileError(IntakeError):
    reason = Reason.CORRUPT_FILE


class ReadingError(PermanentError):
    """The file decodes but cannot serve as a proof of purchase."""


class IllegibleError(ReadingError):
    reason = Reason.ILLEGIBLE


class IncompleteReceiptError(ReadingError):
    reason = Reason.INCOMPLETE_RECEIPT


class EngineError(TransientError):
    reason = Reason.ENGINE_FAILURE
