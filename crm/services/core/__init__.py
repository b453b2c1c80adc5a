"""Shared service building blocks: typed errors, database refusals, edit versions, field rules,
countries, numbering, delete rules, pickers, mail, workbooks and the audit writer.
"""
