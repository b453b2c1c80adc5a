"""Duplicates: the finder's scored pairs, the merge wizard, and the customer form's hints.

The wizard shows the records side by side, one row per field with a choice wherever
they differ; *Preview* checks the merge and lists what moves and how clashes resolve;
*Merge* runs it (crm.services.customers.merge) and opens the survivor.
"""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from markupsafe import Markup, escape

from crm.extensions import db
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.security.roles import METHOD_VERBS
from crm.services.core.errors import CrmError, NotFound
from crm.services.customers import duplicates, merge
from crm.views.base import VERSION_FIELD, flash_error

PAGE_SIZE = 25


def _int_list(value):
    try:
        return inputs.id_list(value or "")
    except InputInvalid:
        abort(400, description=gettext("“%(value)s” is not a list of customer ids.", value=value))


def _page():
    value = request.args.get("page", "0")
    if not value.isdigit():
        abort(400, description=gettext("“%(value)s” is not a page number.", value=value))
    return int(value)


class DuplicateView(BaseView):
    """Finder and merge wizard; Admins and Managers (permission "Merge")."""

    route_base = "/duplicates"
    class_permission_name = "Merge"
    method_permission_name = METHOD_VERBS
    default_view = "duplicate_list"

    @expose("/")
    @has_access
    def duplicate_list(self):
        page = _page()
        pairs, total = duplicates.find_duplicates(db.session, page, PAGE_SIZE)
        return self.render_template(
            "crm/duplicate_list.html",
            title=gettext("Likely duplicates"),
            pairs=pairs,
            total=total,
            page=page,
            page_size=PAGE_SIZE,
        )

    def _records(self):
        ids = _int_list(request.values.get("ids"))
        if len(ids) < 2:
            abort(400, description=gettext("Choose at least two customers to merge."))
        survivor = request.values.get("survivor", str(ids[0]))
        if not survivor.isdigit() or int(survivor) not in ids:
            abort(400, description=gettext("The survivor must be one of the customers merged."))
        survivor = int(survivor)
        try:
            found = merge.wizard_records(db.session, ids)
        except NotFound:
            abort(404)
        return found[survivor], [found[i] for i in ids if i != survivor]

    def _choices(self):
        return {
            key[len("choice_") :]: value
            for key, value in request.form.items()
            if key.startswith("choice_") and value
        }

    def _wizard(self, survivor, others, choices=None, status=200):
        records = [survivor, *others]
        rows = merge.comparison_rows(db.session, records)
        counts = {c.id: merge.child_counts(db.session, c.id) for c in others}
        return self.render_template(
            "crm/merge_wizard.html",
            title=gettext("Merge customers"),
            survivor=survivor,
            others=others,
            records=records,
            rows=rows,
            counts=counts,
            choices={k: str(v) for k, v in (choices or {}).items()},
            ids=",".join(str(c.id) for c in records),
            version_field=VERSION_FIELD,
            loaded_version=merge.records_version(records),
        ), status

    @expose("/merge", methods=["GET"])
    @has_access
    def merge_wizard(self):
        survivor, others = self._records()
        return self._wizard(survivor, others)

    @expose("/merge/preview", methods=["POST"])
    @has_access
    def merge_preview(self):
        survivor, others = self._records()
        choices = self._choices()
        try:
            plan = merge.plan_merge(
                db.session,
                survivor.id,
                [c.id for c in others],
                choices,
                request.form.get(VERSION_FIELD),
            )
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
            return self._wizard(survivor, others, choices, 422 if exc.status == 422 else 409)
        final = [
            (merge.FIELD_LABELS[f], f, merge.display_value(plan.choices.get(f, survivor), f))
            for f in merge.MERGE_FIELDS
        ]
        moves = [(merge.child_label(name), count) for name, count in sorted(plan.moves.items())]
        return self.render_template(
            "crm/merge_preview.html",
            title=gettext("Merge customers: preview"),
            plan=plan,
            final=final,
            moves=moves,
            choices=choices,
            survivor=survivor,
            ids=",".join(str(c.id) for c in plan.records),
            version_field=VERSION_FIELD,
            loaded_version=request.form.get(VERSION_FIELD),
        )

    @expose("/merge/confirm", methods=["POST"])
    @has_access
    def merge_confirm(self):
        survivor, others = self._records()
        choices = self._choices()
        try:
            survivor, moved = merge.merge(
                db.session,
                survivor.id,
                [c.id for c in others],
                choices,
                request.form.get(VERSION_FIELD),
            )
        except NotFound:
            abort(404)
        except CrmError as exc:
            flash_error(exc)
            survivor, others = self._records()
            return self._wizard(survivor, others, choices, 422 if exc.status == 422 else 409)
        flash(
            gettext(
                "%(count)s customer(s) merged into %(name)s (%(code)s).",
                count=len(others),
                name=survivor.name,
                code=survivor.code,
            ),
            "success",
        )
        return redirect(url_for("CustomerView.show", pk=survivor.id))


class DuplicateCheckView(BaseView):
    """What the customer form asks as the user types (permission of customers)."""

    route_base = "/customers/duplicates"
    class_permission_name = "Customer"
    method_permission_name = METHOD_VERBS

    @expose("/check")
    @has_access
    def duplicate_check(self):
        args = request.args
        exclude = args.get("id", "")
        found = duplicates.hints(
            db.session,
            name=args.get("name"),
            email=args.get("email"),
            tax_number=args.get("tax_number"),
            phone=args.get("phone"),
            country=args.get("country"),
            exclude_id=int(exclude) if exclude.isdigit() else None,
        )
        for match in found["matches"]:
            match["url"] = url_for("CustomerView.show", pk=match["id"])
        return jsonify(found)


class DuplicateNotice:
    """CustomerView mix-in: after a save, name the likely duplicates of the record."""

    def _notice_duplicates(self, item):
        try:
            found = duplicates.hints(
                self.session,
                name=item.name,
                tax_number=item.tax_number,
                phone=item.phone,
                country=item.country,
                exclude_id=item.id,
            )
        except Exception:  # a hint must never turn a successful save into an error page
            return
        if not found["matches"]:
            return
        links = Markup(", ").join(
            Markup('<a href="{url}">{name} ({code})</a>: {why}').format(
                url=url_for("CustomerView.show", pk=m["id"]),
                name=m["name"],
                code=m["code"],
                why=", ".join(m["reasons"]),
            )
            for m in found["matches"]
        )
        merge_url = url_for(
            "DuplicateView.merge_wizard", ids=f"{item.id},{found['matches'][0]['id']}"
        )
        flash(
            Markup('{} {} <a href="{}">{}</a>').format(
                escape(gettext("%(name)s may duplicate:", name=item.name)),
                links,
                merge_url,
                escape(gettext("Merge with %(code)s", code=found["matches"][0]["code"])),
            ),
            "warning",
        )

    def post_add(self, item):
        super().post_add(item)
        self._notice_duplicates(item)

    def post_update(self, item):
        super().post_update(item)
        self._notice_duplicates(item)
