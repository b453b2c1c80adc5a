"""The statement of account: its figures, its PDF and Excel files, and e-mailing it."""
