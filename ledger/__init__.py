"""The points ledger as a library: every function takes an open Session, flushes, never commits.

    credit / reverse_declaration / adjust / record_refund   ledger.entries
    balances / balances_to_dict                              ledger.balances
    redeem / cancel_order                                    ledger.redeem
    settle                                                   ledger.settle
    pro-club events (orders, payments, returns, closures)    ledger.operations
    policy_for(program_config) -> LedgerPolicy               ledger.policy

The caller commits, so a declaration's decision and its ledger entries land in
one transaction. Refusals raise `pipeline.errors.LedgerError` with a reason code.
"""

from ledger.balances import Balances, Lot, balances, balances_to_dict
from ledger.entries import adjust, credit, record_refund, reverse_declaration
from ledger.policy import LedgerPolicy, Operation, policy_for
from ledger.redeem import cancel_order, redeem
from ledger.settle import SettleCounts, settle

__all__ = ["Balances", "LedgerPolicy", "Lot", "Operation", "SettleCounts", "adjust", "balances",
           "balances_to_dict", "cancel_order", "credit", "policy_for", "record_refund", "redeem",
           "reverse_declaration", "settle"]
