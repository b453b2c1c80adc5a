"""The customer master record and what hangs off it: companies and groups, contacts, addresses,
plants, bank accounts, documents, notes, custom fields, search, duplicates, merge, batch actions
and support tickets.
"""
