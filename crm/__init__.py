"""Ledgerline CRM."""
