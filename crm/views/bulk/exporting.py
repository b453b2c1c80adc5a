"""``/export?format=xlsx|csv`` on every list: the rows the list shows (its search, filters
and sort, without the page size or depth cap), as a download.

The export runs the list's own ``_get_list_widget`` (where views add their filter bar's
filters, the customer list its archived switch) with the query itself replaced: the
view's filters and order are captured and run as one streamed query. Customers,
companies and leads are written with the import's columns (crm.services.bulk.data_fields);
other lists with their own columns and labels, values as the list formats them.
More rows than CRM_EXPORT_BACKGROUND_ROWS: the export runs as a job (export_jobs).
"""

import contextvars
import datetime as dt
import tempfile
from collections import defaultdict
from decimal import Decimal
from functools import reduce
from types import SimpleNamespace

from flask import abort, current_app, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.base import BaseInterface
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import inspect

from crm.datamodel.prefetch import prefetch
from crm.downloads import send_download
from crm.security.masking import mask_value
from crm.services.bulk import data_fields, exports
from crm.services.bulk.export_writers import FORMATS
from crm.views.bulk import export_jobs
from crm.views.bulk.export_jobs import MIMETYPES

_capture = contextvars.ContextVar("crm_export_capture", default=None)
_ENTITY_OF_MODEL = {data_fields.model_of(e).__name__: e for e in data_fields.ENTITIES}


def plain(value, formatter=None):
    """A list cell's value for a spreadsheet: numbers and dates stay typed, everything
    else is the text the list shows (without its markup)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (Decimal, int, float, dt.date)):
        return value
    shown = formatter(value) if formatter is not None else value
    if isinstance(shown, Markup) or hasattr(shown, "__html__"):
        shown = Markup(shown.__html__()).striptags()
    if isinstance(shown, (list, tuple, set)):
        shown = ", ".join(str(v) for v in shown)
    return None if shown is None else str(shown)


def raw_value(record, column):
    """``record``'s value of a list column (dotted for a related record's) as stored, not
    as a page formats it, masked when the current user may not see it."""
    value = BaseInterface._get_attr_value(record, column)
    owner, name = record, column
    if "." in column:
        *path, name = column.split(".")
        try:
            owner = reduce(getattr, path, record)
        except AttributeError:
            return value
    return mask_value(type(owner).__name__, name, value)


class ExportMixin:
    list_template = "crm/model_list.html"
    # Columns of the export; None: the list's columns.
    export_columns: list[str] | None = None

    def export_available(self):
        """Whether this view serves ``/export`` (a view may leave it out of its routes)."""
        included, excluded = self.include_route_methods, self.exclude_route_methods or ()
        return (included is None or "export" in included) and "export" not in excluded

    def render_template(self, template, **kwargs):
        kwargs.setdefault("export_available", self.export_available())
        return super().render_template(template, **kwargs)

    def _get_list_widget(self, filters, order_column="", order_direction="", **kwargs):
        capture = _capture.get()
        if capture is None:
            return super()._get_list_widget(
                filters=filters,
                order_column=order_column,
                order_direction=order_direction,
                **kwargs,
            )
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        capture.update(
            filters=filters.get_joined_filters(self._base_filters),
            order_column=order_column,
            order_direction=order_direction,
        )
        # Stands in for the list widget views adjust after the query (nothing is drawn).
        template_args = defaultdict(
            list, count=0, page_size=0, order_columns=list(self.order_columns)
        )
        return {"list": SimpleNamespace(template_args=template_args)}

    def export_query(self):
        """The list's query for the current request's arguments, every row, in list order."""
        name = type(self).__name__
        order_column, order_direction = get_order_args().get(name) or ("", "")
        get_filter_args(self._filters)
        widget_args = {}
        if hasattr(self, "list_widget_args"):
            widget_args = self.list_widget_args(self.list_extras())
        capture = {}
        token = _capture.set(capture)
        try:
            self._get_list_widget(
                filters=self._filters,
                order_column=order_column,
                order_direction=order_direction,
                **widget_args,
            )
        finally:
            _capture.reset(token)
        model = self.datamodel.obj
        query = self.datamodel.apply_all(
            self.session.query(model),
            capture["filters"],
            capture["order_column"],
            capture["order_direction"],
        )
        # Rows with equal sort values come out in a stable order.
        return query.order_by(model.id)

    def _prefetch(self, records):
        """Load a chunk's many-to-one records the list shows with one query per relation."""
        if not records:
            return
        mapper = self.datamodel.obj.__mapper__
        state = inspect(records[0])
        names = {c.split(".")[0] for c in self.export_columns or self.list_columns}
        prefetch(
            self.session,
            records,
            [
                n
                for n in sorted(names)
                if n in mapper.relationships
                and n in state.unloaded
                and mapper.relationships[n].direction.name == "MANYTOONE"
                and len(mapper.relationships[n].local_columns) == 1
            ],
        )

    def export_list_columns(self):
        formatters = self.formatters_columns
        columns = []
        for column in self.export_columns or self.list_columns:

            def read(record, column=column, formatter=formatters.get(column)):  # noqa: B008
                return plain(raw_value(record, column), formatter)

            label = self.label_columns.get(column) or column
            columns.append(exports.ExportColumn(column, label, read))
        return columns

    def export_file_name(self, fmt):
        stem = self.route_base.strip("/").replace("/", "-") or type(self).__name__.lower()
        return f"{stem}-{dt.date.today().isoformat()}.{fmt}"

    def write_export(self, fmt, out, progress=None):
        """The list's rows for the current request's arguments into ``out`` (a binary
        file or a path); ``progress(rows written)`` after each chunk. Returns the count."""
        query = self.export_query()
        entity = _ENTITY_OF_MODEL.get(self.datamodel.obj.__name__)
        if entity is not None:
            return exports.export_entity(
                self.session, entity, fmt, out, query=query, progress=progress
            )
        return exports.export_records(
            self.session,
            query,
            self.export_list_columns(),
            fmt,
            out,
            self.datamodel.obj.__name__,
            sheet_name=str(self.list_title),
            prepare_chunk=self._prefetch,
            progress=progress,
        )

    @expose("/export")
    @has_access
    def export(self):
        fmt = request.args.get("format", "xlsx")
        if fmt not in FORMATS:
            abort(400, description=gettext("Export as xlsx or csv."))
        threshold = current_app.config["CRM_EXPORT_BACKGROUND_ROWS"]
        if threshold and export_jobs.more_rows_than(self.export_query(), threshold):
            return export_jobs.submit_export(self, fmt, threshold)
        out = tempfile.TemporaryFile()
        self.write_export(fmt, out)
        out.seek(0)
        return send_download(out, self.export_file_name(fmt), MIMETYPES[fmt], max_age=0)
