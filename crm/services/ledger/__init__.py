"""Money per customer: sales orders, invoices, payments, credit notes, contracts, the credit rule
and the ledger's arithmetic.
"""
