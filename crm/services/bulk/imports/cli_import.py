"""``flask crm import ENTITY FILE --tenant NAME``: the same run as the screens, with a progress bar."""

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

import click
from sqlalchemy.orm import Session

from crm.models import ImportRun
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import commit, mapping as mapping_rules, report, runs
from crm.services.bulk.imports.file_limits import ImportLimits
from crm.services.bulk.imports.validate import RowResult
from crm.services.core import transaction as unit_of_work
from crm.services.core.audit import acting_as
from crm.services.core.errors import ValidationFailed
from crm.services.settings.preferences import get_setting


def import_from_cli(
    session: Session,
    tenant: Any,
    entity: str,
    path: str,
    dry_run: bool,
    all_or_nothing: bool,
    error_report: str | None,
    echo: Callable[[str], object],
    overrides: Iterable[str] = (),
    limits: ImportLimits | None = None,
    encoding: str | None = None,
    languages: Iterable[str] = mapping_rules.LANGUAGES,
) -> int:
    """Run the import; returns the number of failed rows. ``overrides``: "Heading=field"
    texts that replace the guessed mapping of those headings ("Heading=" maps to nothing);
    ``encoding``: a text file's (else detected for the organisation's language)."""
    with open(path, "rb") as handle:
        content = handle.read()
    name = os.path.basename(path)
    mode = "all_or_nothing" if all_or_nothing else "valid_rows"
    wanted = parse_overrides(overrides)
    with tenant_scope(tenant.id), acting_as("cli"):
        locale = command_locale(session)
        if dry_run:
            table = runs.read_file(entity, content, name, limits, encoding, locale, languages)
            headings = table.headings
            guessed = mapping_rules.guess_mapping(entity, headings, table.rows, languages)
            mapping = mapping_rules.with_overrides(headings, guessed, wanted)
            run = ImportRun(
                tenant_id=tenant.id,
                entity=entity,
                file_name=name,
                mode=mode,
                mapping=mapping_rules.clean_mapping(entity, headings, mapping),
            )
            _show_mapping(headings, run.mapping, echo)
            failed: list[RowResult]
            warned: list[RowResult]
            failed, warned = [], []
            with unit_of_work.dry_run(session):
                counts, _errors, _warnings = commit.preview(
                    session, run, table, failed=failed, warned=warned, locale=locale
                )
            echo(
                f"Dry run of {name}: {counts['create']} to create, {counts['update']} to "
                f"update, {counts['failed']} failed, {counts['warnings']} with warnings; "
                f"nothing was written."
            )
            _show_problems(sorted(failed + warned, key=lambda r: r.number), echo)
            if error_report and (failed or warned):
                _write(error_report, report.error_report(headings, failed, warned))
            return len(failed)
        run = runs.create_run(
            session,
            entity,
            name,
            content,
            username="cli",
            limits=limits,
            locale=locale,
            encoding=encoding,
            languages=languages,
        )
        headings = runs.table_of(run).headings
        if wanted:
            runs.set_mapping(
                session, run, mapping_rules.with_overrides(headings, run.mapping, wanted)
            )
        _show_mapping(headings, run.mapping, echo)
        runs.begin(session, run, mode)
        return _run_with_bar(session, run, locale, error_report, echo)


def resume_from_cli(
    session: Session,
    tenant: Any,
    run_id: int,
    error_report: str | None,
    echo: Callable[[str], object],
) -> int:
    """Resume a failed or cancelled import of valid rows from its first row not written
    (runs.resume); returns the number of failed rows, as ``import_from_cli``."""
    with tenant_scope(tenant.id), acting_as("cli"):
        run = runs.get_run(session, run_id)
        runs.resume(session, run)
        echo(
            f"Resuming import #{run.id} of {run.file_name}: its first {run.committed_rows} "
            "rows are imported already."
        )
        return _run_with_bar(session, run, command_locale(session), error_report, echo)


def _run_with_bar(
    session: Session,
    run: ImportRun,
    locale: str,
    error_report: str | None,
    echo: Callable[[str], object],
) -> int:
    name = run.file_name
    problems: list[RowResult] = []
    with click.progressbar(
        length=max(run.total_rows, 1),
        label=f"Importing {name}",
        # deprecated in Click 8.5, which types it as an object
        file=click.get_text_stream("stderr"),  # type: ignore[operator]
    ) as bar:
        state = {"done": 0}

        def advance(done: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

        run = runs.execute(session, run, on_progress=advance, locale=locale, problems=problems)
    echo(f"Import #{run.id} of {name}: {run.message}")
    _show_problems(problems, echo)
    if error_report and run.error_report:
        _write(error_report, run.error_report)
        echo(f"Error report written to {error_report}.")
    return cast(int, run.failed_count if run.status == "done" else max(run.failed_count, 1))


def parse_overrides(texts: Iterable[str]) -> dict[str, str]:
    """["Heading=field", ...] -> {heading: field}; raises ValidationFailed for a text
    without "="."""
    wanted: dict[str, str]
    errors: list[Any]
    wanted, errors = {}, []
    for text in texts:
        heading, sep, key = text.rpartition("=")
        if not sep or not heading.strip():
            errors.append(f'--map {text!r}: write it as "Heading=field".')
            continue
        wanted[heading.strip()] = key.strip()
    if errors:
        raise ValidationFailed({"map": errors})
    return wanted


def command_locale(session: Session) -> str:
    """Whose dates and numbers a command's file holds: nobody's in particular, so the
    tenant's default language (CRM setting ``default_locale``), else English."""
    return get_setting(session, "default_locale") or "en"


def _show_mapping(
    headings: Sequence[str], mapping: Mapping[str, str], echo: Callable[[str], object]
) -> None:
    used = [f"{h} -> {mapping[h]}" for h in headings if mapping.get(h)]
    echo("Columns: " + ", ".join(used))
    unused = [h for h in headings if not mapping.get(h)]
    if unused:
        echo("Not imported: " + ", ".join(unused))


def _show_problems(
    results: Sequence[RowResult], echo: Callable[[str], object], limit: int = 20
) -> None:
    for result in results[:limit]:
        lines = [f"{h}: {m}" for h, m in result.errors]
        lines += [f"warning: {h}: {m}" for h, m in result.warnings]
        echo(f"  row {result.number}: " + "; ".join(lines))
    if len(results) > limit:
        echo(f"  ... and {len(results) - limit} more rows with errors or warnings")


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
