"""Bulk work: imports of customers, companies and leads, and exports of any list."""
