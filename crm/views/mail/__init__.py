"""Email screens: settings, templates, composing from a record, unmatched inbound mail."""
