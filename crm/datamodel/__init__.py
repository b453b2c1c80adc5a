"""Data access shared by the screens (crm.views) and the REST API (crm.api): FAB's
SQLAlchemy interfaces with their paging, search, counting and eager loading, list
filters, the records forms choose from, the save hooks that call the services, and
each entity's field labels and form columns.

It sits below views and api and above the services (their rules and search): it imports
services, models, security and i18n, never crm.views or crm.api (tests/unit/test_layering.py).
"""
