"""The one way the product opens an xlsx workbook.

Every cell text stays text: xlsxwriter would otherwise turn a string starting with ``=``
into a live formula (a customer named ``=HYPERLINK(...)`` in a statement sent to
customers), a URL-looking string into a link and a number-looking string into a number.
"""

import os
from typing import IO, Any

import xlsxwriter

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(
    target: str | os.PathLike[str] | IO[bytes], *, streaming: bool = False, **options: Any
) -> xlsxwriter.Workbook:
    """An ``xlsxwriter.Workbook`` writing to ``target`` (a path or a binary file).

    ``streaming`` writes rows as they come (constant memory, rows in order) instead of
    holding the workbook in memory. ``options`` are other xlsxwriter options; the text
    options above cannot be switched back on."""
    settings = {"constant_memory": True} if streaming else {"in_memory": True}
    settings.update(options)
    settings.update(SAFE_OPTIONS)
    return xlsxwriter.Workbook(target, settings)
