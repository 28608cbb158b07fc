"""Every table, imported in one place for Alembic and for callers.

Laid out by concern, one module each: stored files and readings; participants and
declarations; the ledger, catalogs, fraud fingerprints and service tables come in
their own modules beside these (moderation claims and the audit log, and
data-protection requests, later).
"""

from models.catalogs import CatalogCurrent, CatalogProductRow, CatalogRetailerRow, CatalogVersion
from models.declarations import Declaration, Participant
from models.extractions import ExtractionRecord, OcrReading
from models.files import StoredFile
from models.fingerprints import FingerprintKey, FingerprintRow
from models.ledger import AccountClosure, LedgerEntry, ProOrder, ProPayment, Refund, RewardOrder
from models.service import ApiKey, ReprocessItem, ReprocessRun

__all__ = ["CatalogCurrent", "CatalogProductRow", "CatalogRetailerRow", "CatalogVersion", "FingerprintKey", "FingerprintRow", "AccountClosure", "LedgerEntry", "ProOrder", "ProPayment", "Refund", "RewardOrder", "ApiKey", "ReprocessItem", "ReprocessRun", "Declaration", "ExtractionRecord", "OcrReading", "Participant", "StoredFile"]
