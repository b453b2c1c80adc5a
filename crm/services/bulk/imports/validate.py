"""Check an import's rows with the form's rules, in chunks, without a query per row.

A row fails only for what makes its record unusable (a required field missing or
invalid, a duplicate within the file, a value that cannot be stored); any other value
a rule refuses is a warning on the row and left empty, a phone number is kept as typed.

Each cell is read by its field's kind, then checked by the rule the form and the API use:
a customer's fields by crm/services/customers/customer_fields.py, others by the clean_* functions
of crm/services/core/validation.py. Before the first chunk, a query per
500 rows finds the records the rows update (matched by email ignoring case; stored
addresses have no spaces); per chunk, one query finds the codes already taken; references
(payment terms, segments, users ...) are loaded once.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import BindParameter, Select, String, TextClause, bindparam, func, select, text
from sqlalchemy.orm import Session

from crm import models
from crm.i18n.parsing import import_date_formats
from crm.security.masking import HIDDEN, MASKED_FIELDS
from crm.services.bulk.data_fields import MATCH_KEY, DataField, fields_of, model_of
from crm.services.bulk.imports import cell_values
from crm.services.bulk.imports.cell_values import (
    CENTS,
    MAX_AMOUNT,
    guess_regime,
    match_value,
    parse_bool,
    parse_date,
    parse_decimal,
)
from crm.services.core.validation import (
    PHONE_MAX_LENGTH,
    FieldInvalid,
    clean_country,
    clean_currency,
    clean_email,
    clean_non_negative,
    clean_percent,
    clean_phone,
    clean_website,
)
from crm.services.customers import customer_fields
from crm.services.pipeline import leads as lead_rules
from crm.services.settings.preferences import get_setting

CHUNK = 2000


# The rule of each kind of cell (value, {"country": the row's, for phones}) -> clean value;
# a customer's record fields have their own (customer_fields.RULES).
KIND_RULES = {
    "email": lambda value, _row: clean_email(value),
    "phone": lambda value, row: clean_phone(value, row["country"]),
    "country": lambda value, _row: clean_country(value),
    "currency": lambda value, _row: clean_currency(value),
    "url": lambda value, _row: clean_website(value),
    "decimal": lambda value, _row: clean_non_negative(value),
    "percent": lambda value, _row: clean_percent(value),
}
_NONE: dict[str, object] = {}

# The unique (tenant_id, lower(email)) index of each entity's match column.
MATCH_INDEX = {
    "customers": "uq_customer_email",
    "companies": "uq_company_office_email",
    "leads": "uq_lead_contact_email",
}


class Unstorable(FieldInvalid):
    """A value its column cannot hold: the row fails rather than lose it."""


def literal_list(values: Iterable[Any], type_: Any = String) -> BindParameter[Any]:
    """An IN list written into the statement's text. Sent as parameters, the same
    statement comes back chunk after chunk, PostgreSQL prepares it, and the plan it keeps
    was made while the tenant's table was still empty (a full scan per chunk)."""
    return bindparam("values", list(values), type_=type_, literal_execute=True)


@dataclass
class RowResult:
    number: int  # row number in the file (heading row is 1)
    cells: list[str]  # the row as uploaded
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # part -> {column: clean value}
    errors: list[tuple[str, str]] = field(default_factory=list)  # [(heading label, message)]
    warnings: list[tuple[str, str]] = field(
        default_factory=list
    )  # the same; the row is imported anyway
    key: str | None = None  # match value (normalised email)
    existing_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class References:
    """The tenant's small reference tables, loaded once: {field key: {lower name: id}}."""

    def __init__(self, session: Session, tenant_id: int | None, entity: str) -> None:
        self.by_field: dict[str, dict[str, int]] = {}
        self.inactive: dict[str, set[int]] = {}
        for data_field in fields_of(entity):
            if data_field.kind != "reference":
                continue
            model = getattr(models, cast(str, data_field.target))
            name_column = getattr(model, data_field.target_attr)
            query = select(model.id, name_column)
            if data_field.target == "CrmUser":
                query = select(model.id, name_column, model.active).where(
                    model.tenant_id == tenant_id
                )
            elif hasattr(model, "is_active"):
                query = select(model.id, name_column, model.is_active)
            found: dict[str, int]
            inactive: set[int]
            found, inactive = {}, set()
            for row in session.execute(query):
                found.setdefault(str(row[1]).strip().lower(), row[0])
                if len(row) > 2 and not row[2]:
                    inactive.add(row[0])
            self.by_field[data_field.key] = found
            self.inactive[data_field.key] = inactive


class RowChecker:
    """Validates rows of one import: ``check_chunk(rows, first_number)``."""

    def __init__(
        self,
        session: Session,
        tenant_id: int | None,
        entity: str,
        mapping: Mapping[str, str],
        headings: Sequence[str],
        locale: str | None = None,
        default_country: str | None = None,
    ) -> None:
        self.session = session
        # Phone numbers without a country code and no country on the row are read here.
        self.default_country = default_country
        self.guard: Callable[[], AbstractContextManager[Any]] = (
            nullcontext  # around lookups: see check_rows
        )
        self.clean_emails: dict[
            str, str
        ] = {}  # cell text -> clean_email's answer, for the match column
        # Customer codes the file names (all its rows, found first): generated codes avoid
        # them (commit.py). ``code_rows``: code -> the row that took it so far.
        self.named_codes: set[str] = set()
        self.code_rows: dict[str, int] = {}
        # The importing user's locale (a code; None: none known) reads ambiguous dates and
        # numbers; passed in by the screen or the command, never read from a request here.
        self.locale = locale
        self.date_formats = import_date_formats(locale)
        self.tenant_id = tenant_id
        self.entity = entity
        self.model = model_of(entity)
        by_key = {f.key: f for f in fields_of(entity)}
        # (column index, heading, field) for every mapped column
        self.columns = [
            (i, h, by_key[mapping[h]]) for i, h in enumerate(headings) if mapping.get(h)
        ]
        # Countries first: phone numbers without a + are read in the row's country.
        self.ordered = sorted(self.columns, key=lambda c: c[2].kind != "country")
        self.required = [f for f in fields_of(entity) if f.required]
        # A customer's record fields are checked by the rules the form and the API use;
        # the tax number with its regime, once the row is read (_customer_rules).
        own = customer_fields.RULES if entity == "customers" else {}
        self.rules: dict[str, Callable[[Any, Any], Any] | None] = {
            f.key: own[f.key]
            if f.part == "record" and f.key in own and f.key != "tax_number"
            else KIND_RULES.get(f.kind)
            for f in fields_of(entity)
        }
        # A Member's export holds HIDDEN in these: such a cell keeps the stored value.
        masked = MASKED_FIELDS.get(self.model.__name__, {})
        self.masked = {
            f.key for f in fields_of(entity) if f.part == "record" and f.column in masked
        }
        self.match_field = MATCH_KEY[entity]
        self.references = References(session, tenant_id, entity)
        self.seen_keys: dict[str, int] = {}
        self.existing: dict[str | None, int] | None = None  # match key -> record id (find_existing)
        self.seen_codes: dict[str, int] = {}
        if entity == "leads":
            self.default_status = lead_rules.default_status(session, tenant_id)
            self.conversion_status = lead_rules.conversion_status(session, tenant_id)

    # --- cells -------------------------------------------------------------------

    def _region(self, row_values: Mapping[str, Mapping[str, Any]]) -> Any:
        """Where a phone number without a country code is read: the row's country, else
        the organisation's default country."""
        return (
            row_values.get("billing", {}).get("country")
            or row_values.get("shipping", {}).get("country")
            or row_values.get("record", {}).get("country")
            or self.default_country
        )

    def _cell(
        self, data_field: DataField, text: str, row_values: Mapping[str, Mapping[str, Any]]
    ) -> Any:
        """A cell read by its kind (_parse), then checked by its field's rule: the
        customer's own (customer_fields.RULES, as the form and the API check it), else
        its kind's."""
        kind = data_field.kind
        if kind == "email":
            cleaned = self.clean_emails.get(text)  # the match column: done by find_existing
            if cleaned is not None:
                return cleaned
        value = self._parse(data_field, text)
        rule = self.rules.get(data_field.key)
        if rule is None:
            return value
        value = rule(value, {"country": self._region(row_values)} if kind == "phone" else _NONE)
        if kind in ("decimal", "percent"):
            return value.quantize(CENTS)
        return value

    def _parse(self, data_field: DataField, text: str) -> Any:
        """A cell's text as its kind's typed value; raises FieldInvalid."""
        kind = data_field.kind
        if kind == "text":
            if data_field.max_length and len(text) > data_field.max_length:
                raise Unstorable(_l("At most %(n)d characters.", n=data_field.max_length))
            return text
        if kind == "decimal":
            value = parse_decimal(text, self.locale)
            if abs(value) >= MAX_AMOUNT:
                raise Unstorable(_l("Enter an amount below 1,000,000,000,000."))
            return value
        if kind == "percent":
            return parse_decimal(text, self.locale)
        if kind == "date":
            return parse_date(text, self.date_formats)
        if kind == "bool":
            return parse_bool(text)
        if kind == "choice":
            return cell_values.choice(data_field, text)
        if kind == "reference":
            found = self.references.by_field[data_field.key].get(text.strip().lower())
            if found is None:
                raise FieldInvalid(
                    _l(
                        "There is no %(what)s named “%(value)s”.",
                        what=str(data_field.label).lower(),
                        value=text,
                    )
                )
            if found in self.references.inactive[data_field.key]:
                raise FieldInvalid(_l("%(value)s is inactive.", value=text))
            return found
        if kind in KIND_RULES:
            return text
        raise ValueError(kind)

    def _row(self, number: int, cells: list[str]) -> RowResult:
        result = RowResult(number, cells)
        values = result.values
        for index, heading, data_field in self.ordered:
            text = cells[index]
            if text == "" or (text == HIDDEN and data_field.key in self.masked):
                continue
            try:
                value = self._cell(data_field, text, values)
            except FieldInvalid as exc:
                value = self._refused(result, heading, data_field, text, exc)
                if value is None:
                    continue
            values.setdefault(data_field.part, {})[data_field.column] = value
        self._row_rules(result)
        return result

    @staticmethod
    def _refused(
        result: RowResult, heading: str, data_field: DataField, text: str, exc: FieldInvalid
    ) -> str | None:
        """A cell a rule refused: an error when the record needs it or its column cannot
        hold it, else a warning; returns the value still imported (a phone as typed)."""
        message = str(exc.args[0])
        if data_field.required or isinstance(exc, Unstorable):
            result.errors.append((heading, message))
        elif data_field.kind == "phone" and len(text) <= PHONE_MAX_LENGTH:
            result.warnings.append(
                (heading, gettext("%(problem)s Imported as typed.", problem=message))
            )
            return text
        else:
            result.warnings.append((heading, gettext("%(problem)s Left empty.", problem=message)))
        return None

    def _heading(self, key: str) -> str:
        return next((h for _, h, f in self.columns if f.key == key), key)

    def _require(self, result: RowResult, part: str, column: str, key: str) -> None:
        if not result.values.get(part, {}).get(column):
            label = next((f.label for f in fields_of(self.entity) if f.key == key), key)
            if not any(h == self._heading(key) for h, _ in result.errors):
                result.errors.append(
                    (self._heading(key), gettext("%(field)s is required.", field=label))
                )

    def _row_rules(self, result: RowResult) -> None:
        record = result.values.setdefault("record", {})
        if self.entity == "customers":
            self._customer_names(result, record)
        for data_field in self.required:
            self._require(result, "record", data_field.column, data_field.key)
        if self.entity == "customers":
            self._customer_rules(result, record)
        elif self.entity == "leads":
            self._lead_rules(result, record)
        key = match_value(record.get(self.match_field))
        if key:
            first = self.seen_keys.setdefault(key, result.number)
            if first != result.number:
                result.errors.append(
                    (
                        self._heading(self.match_field),
                        gettext(
                            "%(email)s is also on row %(row)d of this file.",
                            email=record[self.match_field],
                            row=first,
                        ),
                    )
                )
            result.key = key

    @staticmethod
    def _customer_names(result: RowResult, record: dict[str, Any]) -> None:
        """First and last name make the contact's name, and the customer's when its name
        (or Company, see mapping.guess_mapping) is empty; a contact given without a name
        is named after the customer."""
        contact = result.values.get("contact")
        if not contact:
            return
        full = " ".join(
            p for p in (contact.pop("first_name", None), contact.pop("last_name", None)) if p
        )
        if full and not contact.get("name"):
            contact["name"] = full
        if full and not record.get("name"):
            record["name"] = full
        if contact and not contact.get("name") and record.get("name"):
            contact["name"] = record["name"][:150]
        if not contact:
            del result.values["contact"]

    def _customer_rules(self, result: RowResult, record: dict[str, Any]) -> None:
        if record.get("tax_number") or record.get("tax_regime"):
            try:
                regime = record.get("tax_regime") or guess_regime(record.get("tax_number"))
                regime, number = customer_fields.tax_number(
                    record.get("tax_number"), {"tax_regime": regime}
                )
                record["tax_regime"] = regime
                if number:
                    record["tax_number"] = number
            except FieldInvalid as exc:
                record.pop("tax_number", None)
                record.pop("tax_regime", None)
                result.warnings.append(
                    (
                        self._heading("tax_number"),
                        gettext("%(problem)s Left empty.", problem=str(exc.args[0])),
                    )
                )
        for part in ("billing", "shipping"):
            address = result.values.get(part)
            if address and not (address.get("city") and address.get("country")):
                missing = "city" if not address.get("city") else "country"
                result.warnings.append(
                    (
                        self._heading(f"{part}_{missing}"),
                        gettext(
                            "An address needs a city and a country; this one was not imported."
                        ),
                    )
                )
                del result.values[part]
        code = record.get("code")
        if code:
            first = self.seen_codes.setdefault(code, result.number)
            if first != result.number:
                result.errors.append(
                    (
                        self._heading("code"),
                        gettext(
                            "Code %(code)s is also on row %(row)d of this file.",
                            code=code,
                            row=first,
                        ),
                    )
                )

    def _lead_rules(self, result: RowResult, record: dict[str, Any]) -> None:
        status_id = record.get("status_id")
        if (
            status_id is not None
            and self.conversion_status is not None
            and status_id == self.conversion_status.id
        ):
            result.errors.append(
                (
                    self._heading("status"),
                    gettext(
                        "Leads get the status %(name)s by being converted: use Convert lead.",
                        name=self.conversion_status.name,
                    ),
                )
            )
        if status_id is None and self.default_status is None:
            result.errors.append(
                (
                    self._heading("status"),
                    gettext(
                        "There is no lead status yet; an Admin adds them under Settings → Lead statuses."
                    ),
                )
            )

    # --- chunk lookups ----------------------------------------------------------

    def _existing(self, keys: Sequence[str]) -> dict[str | None, int]:
        found: dict[str | None, int] = {}
        for i in range(0, len(keys), 500):
            with self.guard():
                matched = self.session.execute(self._match_query(keys[i : i + 500])).all()
            for record_id, value in matched:
                found.setdefault(match_value(value), record_id)
        return found

    def _match_query(self, keys: Sequence[str]) -> TextClause | Select[Any]:
        """The tenant's records whose match column, lower-cased, is one of ``keys``.

        Stored addresses passed clean_email (no spaces), so lower() alone matches them,
        and it is the expression of the unique email index: an index lookup per key."""
        column = self.model.__table__.c[self.match_field]
        name, table = column.name, column.table.name
        dialect = self.session.get_bind().dialect.name
        # Without statistics for the tenant (a new tenant, a table just loaded) both
        # planners guess that "tenant_id = ?" leaves a few rows and would walk all the
        # tenant's rows by a tenant index for every 500 keys. SQLite is told the index;
        # PostgreSQL gets one lookup per key on both columns of the unique index.
        if dialect == "sqlite":
            return text(
                f"SELECT id, {name} FROM {table} INDEXED BY {MATCH_INDEX[self.entity]} "
                f"WHERE tenant_id = :tenant_id AND lower({name}) IN :keys"
            ).bindparams(bindparam("keys", keys, expanding=True), tenant_id=self.tenant_id)
        if dialect == "postgresql":
            return text(
                f"SELECT found.id, found.{name} FROM unnest(CAST(:keys AS text[])) AS k(key) "
                f"CROSS JOIN LATERAL (SELECT id, {name} FROM {table} WHERE tenant_id = "
                f":tenant_id AND lower({name}) = k.key LIMIT 1) AS found"
            ).bindparams(keys=list(keys), tenant_id=self.tenant_id)
        return select(self.model.id, column).where(
            self.model.tenant_id == self.tenant_id, func.lower(column).in_(literal_list(keys))
        )

    def _taken_codes(self, codes: Sequence[str]) -> dict[str, int]:
        Customer = models.Customer
        taken: dict[str, int] = {}
        for i in range(0, len(codes), 500):
            with self.guard():
                found = self.session.execute(
                    select(Customer.id, Customer.code).where(
                        Customer.tenant_id == self.tenant_id,
                        Customer.code.in_(literal_list(codes[i : i + 500])),
                    )
                ).all()
            for record_id, code in found:
                taken[code] = record_id
        return taken

    def find_existing(self, rows: Sequence[Sequence[str]]) -> None:
        """Look up, before anything is written, the records the file's rows match.

        A row can only match a record that existed before the import: a record the
        import creates has the key of an earlier row, and a second row with that key is
        refused as a duplicate. Looking all keys up first also keeps the lookups on the
        table as it was (planners without statistics for the growing table would scan it)."""
        index = next((i for i, _h, f in self.columns if f.key == self.match_field), None)
        keys: set[Any] = set()
        if index is not None:
            cleaned = self.clean_emails
            for cells in rows:
                try:
                    email = clean_email(cells[index], required=False)
                except FieldInvalid:
                    continue
                if email:
                    cleaned[cells[index]] = email
                    keys.add(match_value(email))
        self.existing = self._existing(sorted(keys)) if keys else {}
        code_index = next((i for i, _h, f in self.columns if f.key == "code"), None)
        if self.entity == "customers" and code_index is not None:
            self.named_codes.update(cells[code_index] for cells in rows if cells[code_index])

    def check_chunk(
        self, rows: Sequence[list[str]], first_number: int, numbers: Sequence[int] | None = None
    ) -> list[RowResult]:
        numbers = numbers or range(first_number, first_number + len(rows))
        results = [self._row(number, cells) for number, cells in zip(numbers, rows)]
        if self.existing is None:
            self.find_existing(rows)
        assert self.existing is not None
        for result in results:
            if result.key:
                result.existing_id = self.existing.get(result.key)
        if self.entity == "customers":
            codes = sorted(
                {
                    r.values["record"]["code"]
                    for r in results
                    if r.ok and r.values["record"].get("code")
                }
            )
            taken = self._taken_codes(codes) if codes else {}
            for result in results:
                code = result.values["record"].get("code")
                if not (result.ok and code):
                    continue
                # In use by a record before the import, or named by an earlier row (whose
                # INSERT may still be queued, so the lookup cannot be relied on for it).
                earlier = self.code_rows.get(code)
                if taken.get(code, result.existing_id) != result.existing_id or (
                    earlier is not None and earlier != result.number
                ):
                    result.errors.append(
                        (
                            self._heading("code"),
                            gettext("Customer code %(code)s is already in use.", code=code),
                        )
                    )
                else:
                    self.code_rows[code] = result.number
        return results


def check_rows(
    session: Session,
    tenant_id: int | None,
    entity: str,
    mapping: Mapping[str, str],
    headings: Sequence[str],
    rows: Sequence[list[str]],
    chunk: int = CHUNK,
    locale: str | None = None,
    guard: Callable[[], AbstractContextManager[Any]] = nullcontext,
    named_codes: set[str] | None = None,
    numbers: Sequence[int] | None = None,
    misshapen: Mapping[int, int] | None = None,
    default_country: str | None = None,
) -> Iterator[list[RowResult]]:
    """Yield each chunk's RowResults; ``numbers``: each row's number in the file (else
    counted from the heading row as 1); ``misshapen``: {row number: cell count} of rows
    with more or fewer cells than the headings, which fail; ``locale``:
    the importing user's, for ambiguous dates and numbers (see RowChecker); ``guard()``
    is entered around each lookup once writing has begun (commit.py shares the
    connection with a writing thread); ``named_codes``, a set, receives every customer
    code the file names, before the first chunk is yielded; ``default_country``: the
    organisation's, for phone numbers without a country (CRM setting)."""
    if default_country is None:
        default_country = get_setting(session, "default_country")
    checker = RowChecker(
        session,
        tenant_id,
        entity,
        mapping,
        headings,
        locale=locale,
        default_country=default_country,
    )
    checker.guard = guard
    if named_codes is not None:
        checker.named_codes = named_codes
    checker.find_existing(rows)
    for start in range(0, len(rows), chunk):
        results = checker.check_chunk(
            rows[start : start + chunk], start + 2, numbers and numbers[start : start + chunk]
        )
        for result in results if misshapen else ():
            assert misshapen is not None
            if result.number in misshapen:
                result.errors.insert(
                    0,
                    (
                        gettext("Cells"),
                        gettext(
                            "Row %(row)d has %(cells)d cells; the headings have %(n)d.",
                            row=result.number,
                            cells=misshapen[result.number],
                            n=len(headings),
                        ),
                    ),
                )
        yield results
