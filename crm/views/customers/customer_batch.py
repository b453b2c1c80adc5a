"""Batch actions on the customer list's selection (a CustomerView mix-in).

Archive and restore run straight from the list; assigning a group or an owner and
adding or removing a tag first ask for the value on a small form page. Each reports
how many customers changed and why any were refused (crm.services.customers.batch).
"""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from crm.models import CrmUser, CustomerGroup, Tag
from crm.services.core.errors import CrmError
from crm.services.customers import batch
from crm.views.base import flash_error

# what -> (service function, form label, the rows offered, whether a blank clears the value)
VALUE_ACTIONS = {
    "assign_group": (batch.assign_group, _l("Customer group"), CustomerGroup, True),
    "assign_owner": (batch.assign_owner, _l("Owner"), CrmUser, True),
    "add_tag": (batch.add_tag, _l("Tag to add"), Tag, False),
    "remove_tag": (batch.remove_tag, _l("Tag to remove"), Tag, False),
}
VALUE_TITLES = {
    "assign_group": _l("Assign a customer group"),
    "assign_owner": _l("Assign an owner"),
    "add_tag": _l("Add a tag"),
    "remove_tag": _l("Remove a tag"),
}
DONE_MESSAGES = {
    "archive": _l("%(count)s customer(s) archived."),
    "restore": _l("%(count)s customer(s) restored."),
    "assign_group": _l("%(count)s customer(s) moved to the group."),
    "assign_owner": _l("%(count)s customer(s) assigned."),
    "add_tag": _l("%(count)s customer(s) tagged."),
    "remove_tag": _l("%(count)s customer(s) untagged."),
}


def report(what, result):
    flash(
        str(DONE_MESSAGES[what]) % {"count": len(result.done)},
        "success" if result.done or not result.failed else "warning",
    )
    if result.unchanged:
        flash(
            gettext(
                "%(count)s already as asked: %(names)s.",
                count=len(result.unchanged),
                names=", ".join(c.name for c in result.unchanged),
            ),
            "info",
        )
    if result.failed:
        flash(gettext("%(count)s failed.", count=len(result.failed)), "danger")
        for customer, reason in result.failed:
            flash(f"{customer.name} ({customer.code}): {reason}", "danger")


def _options(session, model):
    query = select(model)
    if model is CustomerGroup:
        query = query.where(CustomerGroup.is_active.is_(True)).order_by(CustomerGroup.name)
    elif model is CrmUser:
        query = query.where(CrmUser.active.is_(True)).order_by(CrmUser.username)
    else:
        query = query.order_by(model.name)
    return [(row.id, str(row)) for row in session.scalars(query)]


def _items(items):
    return [i for i in (items if isinstance(items, list) else [items]) if i is not None]


class CustomerBatchActions:
    def _run(self, what, items):
        report(what, getattr(batch, what)(self.session, _items(items)))
        return redirect(url_for(".list"))

    def _ask(self, what, items):
        ids = ",".join(str(c.id) for c in _items(items))
        return redirect(url_for(".batch_form", what=what, ids=ids))

    @action(
        "batch_archive",
        _l("Archive"),
        _l("Archive the selected customers?"),
        "fa-archive",
        single=False,
    )
    def batch_archive(self, items):
        return self._run("archive", items)

    @action("batch_restore", _l("Restore"), None, "fa-undo", single=False)
    def batch_restore(self, items):
        return self._run("restore", items)

    @action("batch_assign_group", _l("Assign group…"), None, "fa-layer-group", single=False)
    def batch_assign_group(self, items):
        return self._ask("assign_group", items)

    @action("batch_assign_owner", _l("Assign owner…"), None, "fa-user", single=False)
    def batch_assign_owner(self, items):
        return self._ask("assign_owner", items)

    @action("batch_add_tag", _l("Add tag…"), None, "fa-tag", single=False)
    def batch_add_tag(self, items):
        return self._ask("add_tag", items)

    @action("batch_remove_tag", _l("Remove tag…"), None, "fa-tags", single=False)
    def batch_remove_tag(self, items):
        return self._ask("remove_tag", items)

    @expose("/batch/<string:what>", methods=["GET", "POST"])
    @has_access
    def batch_form(self, what):
        if what not in VALUE_ACTIONS:
            abort(404)
        apply, label, model, blank = VALUE_ACTIONS[what]
        try:
            ids = [int(v) for v in request.values.get("ids", "").split(",") if v]
        except ValueError:
            abort(
                400,
                description=gettext(
                    "“%(value)s” is not a list of customer ids.", value=request.values.get("ids")
                ),
            )
        customers = batch.load(self.session, ids)
        if not customers or len(customers) != len(set(ids)):
            abort(404)
        options = _options(self.session, model)
        if request.method == "POST":
            value = request.form.get("value", "")
            if value == "" and not blank:
                flash(gettext("Choose a value first."), "danger")
            else:
                try:
                    report(what, apply(self.session, customers, value or None))
                    return redirect(url_for(".list"))
                except CrmError as exc:
                    flash_error(exc)
        return self.render_template(
            "crm/customer_batch.html",
            title=VALUE_TITLES[what],
            label=label,
            options=options,
            blank=blank,
            customers=customers,
            ids=",".join(map(str, ids)),
            what=what,
        )
