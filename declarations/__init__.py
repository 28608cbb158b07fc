"""The declaration lifecycle, shared by the CLI (embedded mode), the API and the workers.

    declare            store the original, write the `queued` row (nothing lost after this)
    process_declaration  read -> duplicates & fraud -> match -> decide -> ledger, one transaction
    reprocess_declaration  the same on stored readings, applying differences to the ledger
"""
