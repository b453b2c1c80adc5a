"""Settings screens: reference lists, CRM preferences, lead and pipeline settings."""
