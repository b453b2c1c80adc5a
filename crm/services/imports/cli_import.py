"""``flask crm import ENTITY FILE --tenant NAME``: the same run as the screens, with a progress bar."""
import os

import click

from crm.models import ImportRun
from crm.security.tenancy import tenant_scope
from crm.services.audit import acting_as
from crm.services.crm_settings import get_setting
from crm.services.imports import commit, report, runs


def import_from_cli(session, tenant, entity, path, dry_run, all_or_nothing, error_report, echo,
                    limits=None, encoding=None):
    """Run the import; returns the number of failed rows. ``encoding``: a text file's
    (else detected for the organisation's language)."""
    with open(path, "rb") as handle:
        content = handle.read()
    name = os.path.basename(path)
    mode = "all_or_nothing" if all_or_nothing else "valid_rows"
    with tenant_scope(tenant.id), acting_as("cli"):
        locale = command_locale(session)
        if dry_run:
            table = runs.read_file(entity, content, name, limits, encoding, locale)
            headings = table.headings
            run = ImportRun(tenant_id=tenant.id, entity=entity, file_name=name, mode=mode,
                            mapping=runs.mapping_rules.guess_mapping(entity, headings))
            runs.mapping_rules.clean_mapping(entity, headings, run.mapping)
            failed = []
            counts, _errors = commit.preview(session, run, table, failed=failed,
                                             locale=locale)
            session.rollback()
            echo(f"Dry run of {name}: {counts['create']} to create, {counts['update']} to "
                 f"update, {counts['failed']} failed; nothing was written.")
            _show_errors(failed, echo)
            if error_report and failed:
                _write(error_report, report.error_report(headings, failed))
            return len(failed)
        run = runs.create_run(session, entity, name, content, username="cli", limits=limits,
                              locale=locale, encoding=encoding)
        runs.begin(session, run, mode)
        with click.progressbar(length=max(run.total_rows, 1), label=f"Importing {name}",
                               file=click.get_text_stream("stderr")) as bar:
            state = {"done": 0}

            def advance(done):
                bar.update(done - state["done"])
                state["done"] = done

            run = runs.execute(session, run, on_progress=advance, locale=locale)
        echo(f"Import #{run.id} of {name}: {run.message}")
        if error_report and run.error_report:
            _write(error_report, run.error_report)
            echo(f"Error report written to {error_report}.")
        return run.failed_count if run.status == "done" else max(run.failed_count, 1)


def command_locale(session):
    """Whose dates and numbers a command's file holds: nobody's in particular, so the
    tenant's default language (CRM setting ``default_locale``), else English."""
    return get_setting(session, "default_locale") or "en"


def _show_errors(failed, echo, limit=20):
    for result in failed[:limit]:
        echo(f"  row {result.number}: " + "; ".join(f"{h}: {m}" for h, m in result.errors))
    if len(failed) > limit:
        echo(f"  ... and {len(failed) - limit} more rows with errors")


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)
