"""Bulk imports of customers, companies and leads from spreadsheets and CSV files.

file_limits (hostile files refused before reading), encodings (a text file's encoding),
readers (file -> a Table of headings and rows of text, kept on the run), mapping (headings
-> data fields), validate (rows -> clean values or errors, with the form's rules), commit
(batched upsert, audit and item rows), runs (a run's life), revert, report (the error
workbook) and templates.
"""
