"""``Field`` and ``Entity``: what a field is (label, kind, choice labels) and which
columns each use of an entity shows. Masking classes are read from crm.security.masking."""

from dataclasses import dataclass
from typing import Any

from crm.security.masking import MASKED_FIELDS

KINDS = (
    "text",
    "email",
    "phone",
    "url",
    "money",
    "number",
    "percent",
    "date",
    "datetime",
    "choice",
    "relation",
    "flag",
    "country",
    "currency",
    "tags",
)
PURPOSES = ("list", "show", "search", "form", "edit", "api_read", "export")


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy string
    kind: str = "text"
    choices: dict[str, Any] | None = None  # stored code -> lazy label, for kind "choice"
    list_label: object = None  # a shorter heading where a list column needs one
    heading: object = None  # the column's heading in export and import files, if not label

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")


class Entity:
    """One entity's fields, in declaration order, and its column lists by purpose."""

    def __init__(self, model, fields, **columns):
        unknown = set(columns) - set(PURPOSES)
        if unknown:
            raise ValueError(f"{model.__name__}: unknown column lists {sorted(unknown)}")
        self.model = model
        self.fields = {f.name: f for f in fields}
        self._columns = columns

    def __getitem__(self, name):
        return self.fields[name]

    def label(self, name):
        return self.fields[name].label

    def labels(self, names=None, short=False):
        """{column: label} of ``names`` (default every field); ``short``: the list headings."""
        picked = self.fields.values() if names is None else (self.fields[n] for n in names)
        return {f.name: (f.list_label or f.label) if short else f.label for f in picked}

    def heading(self, name):
        """The field's column heading in files (crm.services.bulk.data_fields)."""
        field = self.fields[name]
        return field.heading or field.label

    def choice_labels(self, name):
        return self.fields[name].choices

    def columns(self, purpose):
        """A fresh copy of the column list for ``purpose`` (FAB may extend the ones it gets)."""
        return list(self._columns[purpose])

    def column_lists(self):
        """{purpose: columns} of every column list the entity declares."""
        return {purpose: list(columns) for purpose, columns in self._columns.items()}

    def masking(self, name):
        """The masking class of a field (crm.security.masking), or None when always shown."""
        masked = MASKED_FIELDS.get(self.model.__name__, {}).get(name)
        return masked.figure_class if masked else None

    def audit_labels(self):
        """Labels by attribute and, for relations, by the key column the audit trail names
        them by (``stage_id``), as lists head them."""
        labels = self.labels(short=True)
        labels.update(
            {f"{f.name}_id": labels[f.name] for f in self.fields.values() if f.kind == "relation"}
        )
        return labels
