"""The dashboard, the health score on screens and the audit screen."""
