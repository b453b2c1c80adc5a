"""Screens for leads, deals, their Kanban boards, interactions and tasks."""
