"""The CRM configuration as one JSON document: export, import and reset to defaults.

The document holds the CRM settings, lead statuses (in board order), lead sources
and pipelines with their stages (in board order)::

    {"format": "ledgerline-crm-configuration", "version": 1, "exported_at": "...",
     "settings": {"kanban_page_size": 20, ...},
     "lead_statuses": [{"name", "colour", "is_default", "is_final"}, ...],
     "lead_sources": [{"name", "is_active"}, ...],
     "pipelines": [{"name", "description", "is_active", "is_default",
                    "stages": [{"name", "colour", "probability", "is_default",
                                "is_won", "is_lost"}, ...]}, ...]}

Import policy (``import_configuration``):

* the whole file is checked before anything changes; any problem (not JSON, wrong
  format or shape, unknown keys, duplicate names, two defaults, a stage both won and
  lost, ...) refuses the file with every problem listed, and nothing changes;
* a section missing from the file is left alone; a section present describes that
  part of the configuration completely, in one transaction:
  rows are matched by name (ignoring case; stages within their pipeline) and updated,
  missing rows are added, the file's order becomes the board order;
* rows the file leaves out are deleted — except rows in use (statuses and sources of
  leads, pipelines and stages of deals), which are kept, placed after the file's rows
  and reported; a kept row gives up the default (and won/lost) flag when the file
  names another, so the one-default and one-won/one-lost rules still hold;
* settings the file leaves out go back to their defaults.

Reset (``reset_to_defaults``) imports the configuration of ``crm/data/defaults.py``
with the same policy, so rows in use survive it and are reported.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from crm.data import defaults
from crm.models import Deal, Lead, LeadSource, LeadStatus, Pipeline, Stage
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.pipeline.setting_names import clean_colour
from crm.services.settings import preferences as crm_settings

FORMAT = "ledgerline-crm-configuration"
VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
SECTIONS = ("settings", "lead_statuses", "lead_sources", "pipelines")
TOP_KEYS = ("format", "version", "exported_at") + SECTIONS

# The fields of each kind of row: key -> kind of value. Every key is optional except
# the name; absent flags take the defaults below.
STATUS_FIELDS = {"name": LeadStatus, "colour": "colour", "is_default": "flag", "is_final": "flag"}
SOURCE_FIELDS = {"name": LeadSource, "is_active": "flag"}
PIPELINE_FIELDS = {
    "name": Pipeline,
    "description": "text",
    "is_active": "flag",
    "is_default": "flag",
    "stages": "list",
}
STAGE_FIELDS = {
    "name": Stage,
    "colour": "colour",
    "probability": "percent",
    "is_default": "flag",
    "is_won": "flag",
    "is_lost": "flag",
}
TRUE_BY_DEFAULT = ("is_active",)


class UnreadableFile(CrmError):
    """Not a JSON document at all (the API answers 400)."""

    status = 400


# --- export -------------------------------------------------------------------------


def _status_out(s: LeadStatus) -> dict[str, Any]:
    return {"name": s.name, "colour": s.colour, "is_default": s.is_default, "is_final": s.is_final}


def _stage_out(s: Stage) -> dict[str, Any]:
    return {
        "name": s.name,
        "colour": s.colour,
        "probability": s.probability,
        "is_default": s.is_default,
        "is_won": s.is_won,
        "is_lost": s.is_lost,
    }


def export_configuration(session: Session) -> dict[str, Any]:
    """The tenant's configuration as a JSON-ready dict (a handful of queries)."""
    tenant = current_tenant_id()
    statuses = session.scalars(
        select(LeadStatus)
        .where(LeadStatus.tenant_id == tenant)
        .order_by(LeadStatus.position, LeadStatus.id)
    )
    sources = session.scalars(
        select(LeadSource).where(LeadSource.tenant_id == tenant).order_by(LeadSource.name)
    )
    pipelines = session.scalars(
        select(Pipeline)
        .where(Pipeline.tenant_id == tenant)
        .options(selectinload(Pipeline.stages))
        .order_by(Pipeline.position, Pipeline.id)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "settings": crm_settings.all_settings(session, derived=False),
        "lead_statuses": [_status_out(s) for s in statuses],
        "lead_sources": [{"name": s.name, "is_active": s.is_active} for s in sources],
        "pipelines": [
            {
                "name": p.name,
                "description": p.description,
                "is_active": p.is_active,
                "is_default": p.is_default,
                "stages": [
                    _stage_out(s) for s in sorted(p.stages, key=lambda s: (s.position, s.id))
                ],
            }
            for p in pipelines
        ],
    }


def export_json(session: Session) -> str:
    return json.dumps(export_configuration(session), indent=2, ensure_ascii=False)


def default_configuration() -> dict[str, Any]:
    """The configuration a new tenant starts with (``crm/data/defaults.py``)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": {},
        "lead_statuses": [
            {"name": n, "colour": c, "is_default": d, "is_final": f}
            for n, c, d, f in defaults.LEAD_STATUSES
        ],
        "lead_sources": [{"name": n, "is_active": True} for n in defaults.LEAD_SOURCES],
        "pipelines": [
            {
                "name": defaults.PIPELINE_NAME,
                "description": None,
                "is_active": True,
                "is_default": True,
                "stages": [
                    {
                        "name": n,
                        "colour": c,
                        "probability": p,
                        "is_default": d,
                        "is_won": w,
                        "is_lost": lost,
                    }
                    for n, c, p, d, w, lost in defaults.STAGES
                ],
            }
        ],
    }


# --- reading and checking a file -------------------------------------------------------


def parse(raw: bytes | str | None) -> object:
    """The JSON document in ``raw`` (bytes or text), or UnreadableFile."""
    if raw is None or len(raw) == 0:
        raise UnreadableFile(gettext("The file is empty."))
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableFile(
            gettext(
                "The file is larger than %(size)d KB; a CRM configuration is much smaller.",
                size=MAX_FILE_BYTES // 1024,
            )
        )
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError:
        raise UnreadableFile(gettext("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            gettext(
                "The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s).",
                line=exc.lineno,
                column=exc.colno,
                reason=exc.msg,
            )
        ) from None


class _Problems(list[str]):
    def add(self, where: str, message: object) -> None:
        self.append(f"{where}: {message}" if where else str(message))


def _clean_value(
    problems: _Problems, where: str, key: str, kind: str | type[Any], value: Any
) -> Any:
    if kind == "flag":
        if not isinstance(value, bool):
            problems.add(where, gettext("“%(key)s” must be true or false.", key=key))
        return value
    if kind == "text":
        if value is not None and not isinstance(value, str):
            problems.add(where, gettext("“%(key)s” must be text or null.", key=key))
            return None
        return (value or "").strip() or None
    if kind == "colour":
        if value is not None and not isinstance(value, str):
            problems.add(where, gettext("“%(key)s” must be text or null.", key=key))
            return None
        try:
            return clean_colour(value)
        except ValueError:
            problems.add(where, gettext("“%(value)s” is not a colour like #2e86c1.", value=value))
            return None
    if kind == "percent":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            problems.add(where, gettext("“%(key)s” must be a whole number from 0 to 100.", key=key))
            return 0
        return value
    if kind == "list":
        if not isinstance(value, list):
            problems.add(where, gettext("“%(key)s” must be a list.", key=key))
            return []
        return value
    # a model: the value is the row's name
    limit = cast(type[Any], kind).__table__.c.name.type.length
    if not isinstance(value, str) or not " ".join(value.split()):
        problems.add(where, gettext("a name is required."))
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        problems.add(
            where,
            gettext(
                "the name “%(name)s” is longer than %(count)d characters.", name=value, count=limit
            ),
        )
    return value


def _clean_item(
    problems: _Problems, where: str, raw: object, fields: Mapping[str, Any]
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add(where, gettext("must be an object."))
        return None
    # Problems name the row as well as its place, e.g. lead_statuses[2] “Hot”.
    name = " ".join(raw["name"].split()) if isinstance(raw.get("name"), str) else ""
    where = f"{where} “{name}”" if name else where
    for key in raw:
        if key not in fields:
            problems.add(where, gettext("unknown key “%(key)s”.", key=key))
    item = {}
    for key, kind in fields.items():
        value = raw.get(key)
        if value is None:  # absent or null: the field's default
            if kind == "flag":
                value = key in TRUE_BY_DEFAULT
            elif kind == "list":
                value = []
            elif kind == "percent":
                value = 100 if raw.get("is_won") is True else 0
        item[key] = _clean_value(problems, where, key, kind, value)
    item["_where"] = where
    return item


def _clean_list(
    problems: _Problems, section: str, raw: object, fields: Mapping[str, Any]
) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        problems.add(section, gettext("must be a list."))
        return []
    items: list[Any] = [
        _clean_item(problems, f"{section}[{i}]", entry, fields) for i, entry in enumerate(raw)
    ]
    items = [item for item in items if item is not None]
    seen = {}
    for item in items:
        if not item["name"]:
            continue
        key = item["name"].lower()
        if key in seen:
            problems.add(
                section, gettext("the name “%(name)s” appears more than once.", name=item["name"])
            )
        seen[key] = item
    return items


def _one_flagged(
    problems: _Problems,
    section: str,
    items: Sequence[Mapping[str, Any]],
    flag: str,
    exactly: bool,
    what: str,
) -> None:
    flagged = [item["name"] for item in items if item.get(flag)]
    if len(flagged) > 1:
        problems.add(
            section,
            gettext(
                "only one %(what)s is allowed, found %(count)d (%(names)s).",
                what=what,
                count=len(flagged),
                names=", ".join(f"“{n}”" for n in flagged),
            ),
        )
    elif exactly and not flagged:  # an empty list too: it would delete every row
        problems.add(section, gettext("one %(what)s is required, none is marked.", what=what))


def check(data: object) -> dict[str, Any]:
    """The file's configuration, cleaned (names trimmed, colours in lower case, flags
    filled in), or ValidationFailed listing every problem under ``file``."""
    problems = _Problems()
    if not isinstance(data, dict):
        raise ValidationFailed(
            {
                "file": [
                    gettext(
                        "The file must hold one JSON object, as "
                        "exported from the CRM settings page."
                    )
                ]
            }
        )
    if data.get("format") != FORMAT:
        problems.add(
            "",
            gettext(
                "This is not a CRM configuration file: “format” must be “%(format)s”.",
                format=FORMAT,
            ),
        )
    if data.get("version") != VERSION:
        problems.add(
            "",
            gettext(
                "Unsupported version %(version)s; this CRM reads version %(supported)d.",
                version=json.dumps(data.get("version")),
                supported=VERSION,
            ),
        )
    for key in data:
        if key not in TOP_KEYS:
            problems.add("", gettext("unknown key “%(key)s”.", key=key))
    clean: dict[str, Any] = {}
    if "settings" in data:
        try:
            clean["settings"] = crm_settings.clean_values(data["settings"])
        except ValidationFailed as exc:
            for key, messages in exc.errors.items():
                for message in messages:
                    problems.add("settings" if key == "settings" else f"settings.{key}", message)
    if "lead_statuses" in data:
        statuses = _clean_list(problems, "lead_statuses", data["lead_statuses"], STATUS_FIELDS)
        _one_flagged(
            problems, "lead_statuses", statuses, "is_default", True, gettext("default status")
        )
        for item in statuses:
            if item["is_default"] and item["is_final"]:
                problems.add(item["_where"], gettext("the default status cannot be final."))
        clean["lead_statuses"] = statuses
    if "lead_sources" in data:
        clean["lead_sources"] = _clean_list(
            problems, "lead_sources", data["lead_sources"], SOURCE_FIELDS
        )
    if "pipelines" in data:
        pipelines = _clean_list(problems, "pipelines", data["pipelines"], PIPELINE_FIELDS)
        _one_flagged(
            problems, "pipelines", pipelines, "is_default", True, gettext("default pipeline")
        )
        for pipeline in pipelines:
            where = pipeline["_where"]
            if pipeline["is_default"] and pipeline["is_active"] is False:
                problems.add(where, gettext("the default pipeline must be active."))
            stages = _clean_list(problems, f"{where}.stages", pipeline["stages"], STAGE_FIELDS)
            for flag, what in (
                ("is_default", gettext("default stage")),
                ("is_won", gettext("won stage")),
                ("is_lost", gettext("lost stage")),
            ):
                _one_flagged(problems, f"{where}.stages", stages, flag, False, what)
            for stage in stages:
                if stage["is_won"] and stage["is_lost"]:
                    problems.add(stage["_where"], gettext("a stage cannot be both won and lost."))
                elif stage["is_default"] and (stage["is_won"] or stage["is_lost"]):
                    problems.add(
                        stage["_where"],
                        gettext("the default stage must be an open stage, not won or lost."),
                    )
            pipeline["stages"] = stages
        clean["pipelines"] = pipelines
    if problems:
        raise ValidationFailed({"file": list(problems)})
    return clean


# --- applying a checked configuration ---------------------------------------------------


def _assign(row: Any, values: Mapping[str, object]) -> bool:
    """Set ``values`` on ``row``; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _usage(session: Session, column: QueryableAttribute[int]) -> dict[int, int]:
    return dict(
        session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
        .tuples()
        .all()
    )


class _Report:
    def __init__(self) -> None:
        self.counts = {
            section: {"added": 0, "updated": 0, "deleted": 0, "kept": 0} for section in SECTIONS
        }
        self.kept: list[str] = []

    def count(self, section: str, what: str) -> None:
        self.counts[section][what] += 1

    def keep(self, section: str, message: str) -> None:
        self.counts[section]["kept"] += 1
        self.kept.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "kept": self.kept}


def _apply_rows(
    session: Session,
    report: _Report,
    section: str,
    model: type[Any],
    existing: Sequence[Any],
    items: Sequence[Mapping[str, Any]],
    fields: Mapping[str, Any],
    make: Callable[..., Any],
    usage: Mapping[int, int],
    in_use_message: Callable[[Any, int], str],
    clear_on_keep: Iterable[str],
) -> list[tuple[Any, Mapping[str, Any]]]:
    """Match ``items`` to ``existing`` rows by name; update, add, delete unused leftovers.
    Returns [(row, item)] in file order. ``clear_on_keep``: flags a kept row gives up."""
    by_name: dict[str, Any] = {}
    for row in existing:
        by_name.setdefault(row.name.lower(), row)
    matched, result = set(), []
    for position, item in enumerate(items):
        values = {key: item[key] for key in fields if key in item and fields[key] != "list"}
        if hasattr(model, "position"):
            values["position"] = position
        row = by_name.get(item["name"].lower())
        if row is None:
            row = make(values)
            session.add(row)
            report.count(section, "added")
        else:
            matched.add(row.id)
            if _assign(row, values):
                report.count(section, "updated")
        result.append((row, item))
    position = len(items)
    for row in existing:
        if row.id in matched:
            continue
        used = usage.get(row.id, 0)
        if used:
            _assign(row, dict.fromkeys(clear_on_keep, False))
            if hasattr(model, "position"):
                row.position = position
                position += 1
            report.keep(section, in_use_message(row, used))
        else:
            if isinstance(row, Pipeline):
                for stage in list(row.stages):
                    session.delete(stage)
            session.delete(row)
            report.count(section, "deleted")
    return result


def _kept_leads(kind: str) -> Callable[[Any, int], str]:
    def message(row: Any, used: int) -> str:
        return cast(
            str,
            ngettext(
                "%(kind)s “%(name)s” was kept: %(num)d lead uses it.",
                "%(kind)s “%(name)s” was kept: %(num)d leads use it.",
                used,
                kind=kind,
                name=row.name,
            ),
        )

    return message


def _kept_deals(kind: str) -> Callable[[Any, int], str]:
    def message(row: Any, used: int) -> str:
        return cast(
            str,
            ngettext(
                "%(kind)s “%(name)s” was kept: %(num)d deal is in it.",
                "%(kind)s “%(name)s” was kept: %(num)d deals are in it.",
                used,
                kind=kind,
                name=row.name,
            ),
        )

    return message


def _apply(session: Session, clean: Mapping[str, Any], report: _Report) -> None:
    tenant = current_tenant_id()
    if "settings" in clean:
        report.counts["settings"]["updated"] = crm_settings.replace_values(
            session, clean["settings"]
        )
    if "lead_statuses" in clean:
        existing = list(
            session.scalars(
                select(LeadStatus)
                .where(LeadStatus.tenant_id == tenant)
                .order_by(LeadStatus.position, LeadStatus.id)
            )
        )
        _apply_rows(
            session,
            report,
            "lead_statuses",
            LeadStatus,
            existing,
            clean["lead_statuses"],
            STATUS_FIELDS,
            lambda v: LeadStatus(tenant_id=tenant, **v),
            _usage(session, Lead.status_id),
            _kept_leads(gettext("Lead status")),
            ("is_default",),
        )
    if "lead_sources" in clean:
        existing = list(
            session.scalars(
                select(LeadSource).where(LeadSource.tenant_id == tenant).order_by(LeadSource.name)
            )
        )
        _apply_rows(
            session,
            report,
            "lead_sources",
            LeadSource,
            existing,
            clean["lead_sources"],
            SOURCE_FIELDS,
            lambda v: LeadSource(tenant_id=tenant, **v),
            _usage(session, Lead.source_id),
            _kept_leads(gettext("Lead source")),
            (),
        )
    if "pipelines" in clean:
        _apply_pipelines(session, clean["pipelines"], report, tenant)


def _apply_pipelines(
    session: Session, items: Sequence[Mapping[str, Any]], report: _Report, tenant: int
) -> None:
    existing = list(
        session.scalars(
            select(Pipeline)
            .where(Pipeline.tenant_id == tenant)
            .options(selectinload(Pipeline.stages))
            .order_by(Pipeline.position, Pipeline.id)
        )
    )
    stage_usage = _usage(session, Deal.stage_id)
    pairs = _apply_rows(
        session,
        report,
        "pipelines",
        Pipeline,
        existing,
        items,
        PIPELINE_FIELDS,
        lambda v: Pipeline(tenant_id=tenant, **v),
        _usage(session, Deal.pipeline_id),
        _kept_deals(gettext("Pipeline")),
        ("is_default",),
    )
    for pipeline, item in pairs:
        stages = (
            sorted(pipeline.stages, key=lambda s: (s.position, s.id or 0))
            if pipeline.id is not None
            else []
        )
        # A kept stage gives up only the flags the file gives to one of its own stages.
        flags = tuple(
            flag
            for flag in ("is_default", "is_won", "is_lost")
            if any(stage[flag] for stage in item["stages"])
        )
        _apply_rows(
            session,
            report,
            "pipelines",
            Stage,
            stages,
            item["stages"],
            STAGE_FIELDS,
            lambda v, p=pipeline: Stage(tenant_id=tenant, pipeline=p, **v),
            stage_usage,
            _kept_deals(gettext("Stage")),
            flags,
        )


@transactional
def import_configuration(session: Session, data: object) -> dict[str, Any]:
    """Check ``data`` (a parsed document) completely, then apply it in one transaction.
    Returns {"counts": {section: {added, updated, deleted, kept}}, "kept": [messages]}."""
    clean = check(data)
    report = _Report()
    with session.no_autoflush:
        _apply(session, clean, report)
    return report.as_dict()


def import_file(session: Session, raw: bytes | str | None) -> dict[str, Any]:
    return import_configuration(session, parse(raw))


def reset_to_defaults(session: Session) -> dict[str, Any]:
    """Settings, lead statuses, sources and the pipeline of ``crm/data/defaults.py``; rows
    in use are kept and reported (see the import policy above)."""
    return import_configuration(session, default_configuration())


def summary(report: Mapping[str, Any]) -> str:
    """One line for a flash message or a CLI: what the import or reset did."""
    totals = {
        what: sum(c[what] for c in report["counts"].values())
        for what in ("added", "updated", "deleted", "kept")
    }
    return cast(
        str,
        gettext(
            "%(added)d added, %(updated)d updated, %(deleted)d removed, "
            "%(kept)d kept because they are in use.",
            **totals,
        ),
    )
