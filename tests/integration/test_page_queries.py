"""Pages run a bounded number of SQL statements, whatever the number of rows or permissions."""

from tests import factories
from tests.factories import counted


def test_admin_list_page_checks_permissions_in_one_query(app, browser, acme, acme_admin):
    for n in range(30):
        factories.customer(app, acme, f"Customer {n:02d}")
    b = browser(acme_admin)
    b.get("/customers/list/")
    with counted(app) as statements:
        assert b.get("/customers/list/").status_code == 200
    permission_queries = [s for s in statements if "ab_permission_view_role" in s]
    assert len(permission_queries) <= 2, len(permission_queries)
    assert len(statements) < 25, len(statements)
