"""Every table, imported in one place for Alembic and for callers.

Laid out by concern, one module each: stored files and readings; participants and
declarations; the ledger, catalogs, fraud fingerprints and service tables come in
their own modules beside these (moderation claims and the audit log, and
data-protection requests, later).
"""

from models.declarations import Declaration, Participant
from models.extractions import ExtractionRecord, OcrReading
from models.files import StoredFile

__all__ = ["Declaration", "ExtractionRecord", "OcrReading", "Participant", "StoredFile"]
