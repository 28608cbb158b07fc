"""Every table, imported in one place for Alembic and for callers.

Laid out by concern, one module each: stored files and readings now; declarations,
participants and the ledger (decisions), moderation claims and the audit log,
data-protection requests come in their own modules beside these.
"""

from models.extractions import ExtractionRecord, OcrReading
from models.files import StoredFile

__all__ = ["ExtractionRecord", "OcrReading", "StoredFile"]
