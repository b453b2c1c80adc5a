"""Where a screen goes after an add, edit or delete, and what it says there (every CRM
ModelView): the new record's page with "Customer Acme GmbH created" (or back to the record
whose tab it was added from); "… saved" after an edit; the list with "… deleted"; a refused
delete back on the page the user came from."""

from urllib.parse import urlsplit

from flask import g, has_request_context, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

_CREATED = _l("%(label)s %(name)s created")
_SAVED = _l("%(label)s %(name)s saved")
_DELETED = _l("%(label)s %(name)s deleted")


def record_name(item):
    """What a message calls a record: its name when it has one, else how it prints."""
    name = getattr(item, "name", None)
    return name if isinstance(name, str) and name else str(item)


def _same_site(url):
    """The referrer when it is a page of this site (never send the user elsewhere)."""
    if not url:
        return None
    target = urlsplit(url)
    here = urlsplit(request.host_url)
    if target.netloc and (target.scheme, target.netloc) != (here.scheme, here.netloc):
        return None
    return url


class PostActionMixin:
    """Mixed into CrmModelView. FAB's hooks remember the record (``pre_add`` and friends);
    its flashed messages and redirects read it back from ``g``."""

    @property
    def record_label(self):
        """The model's name as a message says it ("Customer"): the record page's title."""
        return str(self.show_title)

    def _message(self, text, name):
        return text % {"label": self.record_label, "name": name}

    def pre_add(self, item):
        g.crm_written = item
        super().pre_add(item)

    def pre_update(self, item):
        g.crm_written = item
        super().pre_update(item)

    def pre_delete(self, item):
        g.crm_deleting = (item, record_name(item))
        super().pre_delete(item)

    # FAB flashes these after a save or delete; it also reads them when the view is built,
    # when there is no record yet.
    @property
    def add_row_message(self):
        item = g.get("crm_written") if has_request_context() else None
        return "" if item is None else self._message(_CREATED, record_name(item))

    @property
    def edit_row_message(self):
        item = g.get("crm_written") if has_request_context() else None
        return "" if item is None else self._message(_SAVED, record_name(item))

    @property
    def delete_row_message(self):
        deleting = g.get("crm_deleting") if has_request_context() else None
        return "" if deleting is None else self._message(_DELETED, deleting[1])

    def post_add_redirect(self):
        item = g.get("crm_written")
        # Added from a record's tab (the form names its parent, ``_flt_0_customer=``): back
        # to that record, where the new row now shows.
        from_parent = any(key.startswith("_flt_") for key in request.args)
        if item is not None and inspect(item).persistent and not from_parent:
            return redirect(url_for(".show", pk=self.datamodel.get_pk_value(item)))
        return super().post_add_redirect()

    def post_delete_redirect(self):
        deleting = g.get("crm_deleting")
        if deleting is not None and inspect(deleting[0]).was_deleted:
            return redirect(url_for(".list"))
        return redirect(_same_site(request.referrer) or url_for(".list"))
