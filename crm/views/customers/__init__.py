"""Screens for customers, companies, their parts and documents, the merge wizard and support
tickets.
"""
