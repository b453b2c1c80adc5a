"""Saved views of the lists: what a list knows (lists) and the views users keep (views)."""
