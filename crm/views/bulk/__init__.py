"""Import screens and the export of every list."""
