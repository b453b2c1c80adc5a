"""Organisations, their users, sign-in state, the user's language and in-app notifications."""
