"""The dashboard's figures (queries), chart payloads and their xlsx download."""
