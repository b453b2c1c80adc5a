"""Business rules as plain functions over a session; views, API and CLI call these."""
