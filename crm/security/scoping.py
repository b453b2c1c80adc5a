"""Layer A of tenancy: FAB-native base filters, shared by every CRM view and API.

The session-wide hook in ``tenancy`` already scopes every SELECT; these filters
make FAB's own 404 paths explicit and keep the rule visible on each class.
"""

from flask import abort, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqualFunction

from crm.security.tenancy import current_tenant_id


def _tenant_or_none():
    # No tenant means nobody is signed in: match nothing rather than everything.
    tenant_id = current_tenant_id()
    return -1 if tenant_id is None else tenant_id


TENANT_FILTERS = [["tenant_id", FilterEqualFunction, _tenant_or_none]]


class ScopedRoutesMixin:
    """FAB's single and bulk actions load rows without the view's filters, and its
    delete route answers a GET with a redirect before looking the row up. Answer
    404 unless every row named belongs to the current tenant."""

    def _owned_or_404(self, pk):
        if self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) is None:
            abort(404)

    @expose("/delete/<pk>", methods=["GET", "POST"])
    @has_access
    def delete(self, pk):
        self._owned_or_404(pk)
        return super().delete(pk)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if name not in self.actions:
            abort(404)
        self._owned_or_404(pk)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        if request.form.get("action") not in self.actions:
            abort(404)
        for pk in request.form.getlist("rowid"):
            self._owned_or_404(pk)
        return super().action_post()
