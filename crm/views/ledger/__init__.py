"""Screens for sales orders, invoices, payments, credit notes, contracts and statements."""
