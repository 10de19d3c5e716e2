"""The stock ledger: movements and balances per lot and warehouse."""
