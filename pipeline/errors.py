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
     ├── LedgerError (PermanentError)  a ledger operation refused: below_redemption_minimum,
     │                                 insufficient_points, redemption_closed, debt_outstanding,
     │                                 order_not_found, order_already_cancelled, invalid_event
     └── TransientError               retry with backoff (engine crashed or timed out, I/O)
          ├── EngineError             reason engine_failure
          └── DatabaseUnavailableError  reason database_unavailable

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
    DATABASE_UNAVAILABLE = "database_unavailable"
    # ledger (redemption and order cancellation)
    BELOW_REDEMPTION_MINIMUM = "below_redemption_minimum"
    INSUFFICIENT_POINTS = "insufficient_points"
    REDEMPTION_CLOSED = "redemption_closed"
    DEBT_OUTSTANDING = "debt_outstanding"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_ALREADY_CANCELLED = "order_already_cancelled"
    INVALID_EVENT = "invalid_event"
    # fraud (issue #4)
    SUSPECTED_FRAUD = "suspected_fraud"
    DUPLICATE_RECEIPT = "duplicate_receipt"
    # decision (issue #3): receipt rules of the program (pipeline.decide); sentences in pipeline.reasons
    CARD_SLIP = "card_slip"
    DUPLICATA = "duplicata"
    PURCHASE_TOO_OLD = "purchase_too_old"
    PURCHASE_IN_FUTURE = "purchase_in_future"
    RETAILER_NOT_APPROVED = "retailer_not_approved"
    OUTSIDE_TERRITORY = "outside_territory"
    CURRENCY_NOT_EUR = "currency_not_eur"
    NO_ELIGIBLE_PRODUCT = "no_eligible_product"
    PROFESSIONAL_PRODUCT = "professional_product"
    SERVICE_PRICE_OUT_OF_RANGE = "service_price_out_of_range"
    SERVICE_NOT_IN_SALON = "service_not_in_salon"
    NAME_MISMATCH = "name_mismatch"
    BENEFICIARY_UNCERTAIN = "beneficiary_uncertain"
    MONTHLY_CAP_REACHED = "monthly_cap_reached"
    RETAILER_UNCERTAIN = "retailer_uncertain"
    PRODUCT_UNCERTAIN = "product_uncertain"
    DECLARED_DATE_MISMATCH = "declared_date_mismatch"
    DECLARED_RETAILER_MISMATCH = "declared_retailer_mismatch"
    PROGRAM_STOPPED = "program_stopped"
    BIRTHDAY_OFFER_NO_SERVICE = "birthday_offer_no_service"
    BIRTHDAY_OFFER_NOT_BIRTHDAY_MONTH = "birthday_offer_not_birthday_month"
    BIRTHDAY_OFFER_LATE = "birthday_offer_late"
    BIRTHDAY_OFFER_ALREADY_USED = "birthday_offer_already_used"
    BIRTH_DATE_MISSING = "birth_date_missing"
    # membership (issue #3): enrolment rules (pipeline.decide.check_membership)
    TOO_YOUNG = "too_young"
    MEMBER_OUTSIDE_TERRITORY = "member_outside_territory"
    DUPLICATE_ACCOUNT = "duplicate_account"


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


class DatabaseUnavailableError(TransientError):
    """The database could not be reached or answered with an operational error: retry."""

    reason = Reason.DATABASE_UNAVAILABLE


class LedgerError(PermanentError):
    """A redemption, cancellation or event the ledger refuses; `.reason` says which rule."""

    reason = Reason.INSUFFICIENT_POINTS
