"""Email from the record, tenant mail settings, templates and inbound IMAP logging."""
