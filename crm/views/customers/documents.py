"""Customer documents: list, upload, download, delete."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.datamodel.prefetch import PrefetchInterface
from crm.downloads import send_download
from crm.fields.parts import DOCUMENT
from crm.models import Customer, Document
from crm.security.tenancy import current_user_id, get_owned
from crm.services.core.errors import CrmError
from crm.services.customers import documents
from crm.views.base import CrmModelView, flash_error


def _size(value):
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024


class DocumentView(CrmModelView):
    datamodel = PrefetchInterface(Document, prefetch=("customer", "uploaded_by"))
    class_permission_name = "Document"
    route_base = "/documents"
    list_title = _l("Documents")
    show_title = _l("Document")
    label_columns = DOCUMENT.labels()
    list_columns = DOCUMENT.columns("list")
    show_columns = DOCUMENT.columns("show")
    search_columns = DOCUMENT.columns("search")
    base_order = ("uploaded_at", "desc")
    formatters_columns = {"size": _size}
    # A document's name in a list opens its file.
    row_link = "download_file"
    # Files arrive through the upload form on the customer's page, not FAB's add form.
    include_route_methods = {
        "list",
        "show",
        "delete",
        "download_file",
        "upload",
        "action",
        "action_post",
    }

    def post_delete(self, item):
        documents.forget_file(current_app.config, item)

    @expose("/file/<int:pk>")
    @has_access
    def download_file(self, pk):
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            abort(404)
        try:
            body = documents.open_file(current_app.config, document)
        except FileNotFoundError:
            abort(404)
        # A stored document never changes (a new upload gets a new key).
        return send_download(
            body, document.filename, document.content_type, etag=document.storage_key
        )

    @expose("/upload/<int:customer_pk>", methods=["POST"])
    @has_access
    def upload(self, customer_pk):
        customer = get_owned(self.session, Customer, customer_pk)
        if customer is None:
            abort(404)
        upload = request.files.get("file")
        if upload is None:
            flash(gettext("Choose a file to upload."), "danger")
        else:
            try:
                document = documents.store(
                    self.session,
                    current_app.config,
                    customer,
                    upload,
                    request.form.get("description"),
                    current_user_id(),
                )
                flash(gettext("%(name)s was uploaded.", name=document.filename), "success")
            except CrmError as exc:
                flash_error(exc)
        return redirect(url_for("CustomerView.show", pk=customer_pk, _anchor="DocumentView"))
