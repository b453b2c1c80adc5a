"""Layer A of tenancy: FAB-native base filters, shared by every CRM view and API.

The session-wide hook in ``tenancy`` already scopes every SELECT; these filters
make FAB's own 404 paths explicit and keep the rule visible on each class.
"""
from flask_appbuilder.models.sqla.filters import FilterEqualFunction

from crm.security.tenancy import current_tenant_id


def _tenant_or_none():
    # No tenant means nobody is signed in: match nothing rather than everything.
    tenant_id = current_tenant_id()
    return -1 if tenant_id is None else tenant_id


TENANT_FILTERS = [["tenant_id", FilterEqualFunction, _tenant_or_none]]
