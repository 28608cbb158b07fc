"""Catch the cheats: duplicates, re-photographed and edited receipts, behaviour; a fraud score.

Pure functions, no database (the index lives in `models.fingerprints`):

    purchase_key(fields) -> str | None
    fingerprint_of(extraction) -> Fingerprint
    editing_signals(extraction, data) -> tuple[Signal, ...]
    fraud_policy(program_config) -> FraudPolicy
    assess(fingerprint, candidates, editing, behaviour, policy) -> FraudAssessment
    assessment_to_dict(assessment) -> dict
"""

from pipeline.fraud.editing import editing_signals
from pipeline.fraud.fingerprint import fingerprint_of
from pipeline.fraud.keys import purchase_key
from pipeline.fraud.policy import FraudPolicy, fraud_policy
from pipeline.fraud.score import assess, assessment_to_dict, conflicts
from pipeline.fraud.values import Behaviour, Candidate, Candidates, Fingerprint, FraudAssessment, Signal

__all__ = ["Behaviour", "Candidate", "Candidates", "Fingerprint", "FraudAssessment", "FraudPolicy", "Signal",
           "assess", "assessment_to_dict", "conflicts", "editing_signals", "fingerprint_of", "fraud_policy",
           "purchase_key"]
