"""Demo data for `make run`: organisations, logins, customers, pipeline and ledger."""
