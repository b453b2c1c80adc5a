"""Bulk imports of customers, companies and leads from spreadsheets and CSV files.

readers (file -> headings and rows of text), mapping (headings -> data fields),
validate (rows -> clean values or errors, with the form's rules), commit (batched
upsert, audit and item rows), revert, report (the error workbook) and templates.
"""
