"""A group's customer count: on the group list in one query for every row, and never
counted where only the group is shown (a customer's page loads its group)."""

import re

from tests import factories
from tests.factories import counted


def _groups_with_customers(app, tenant, sizes, first=0):
    ids = []
    for n, size in enumerate(sizes, start=first):
        group = factories.group(app, tenant, f"Group {n}", f"G{n}")
        for i in range(size):
            factories.customer(app, tenant, f"Member {n}-{i}", customer_group_id=group)
        ids.append(group)
    return ids


def _counts(html):
    """{group number: customers shown} of the list's rows (name, code, description,
    discount, priority, customers, active)."""
    row = r">Group (\d)</a></td><td>G\d</td>(?:<td>[^<]*</td>){3}<td>(\d+)</td>"
    return dict(re.findall(row, html))


def test_the_group_list_counts_each_groups_customers_in_one_statement(
    app, browser, acme, acme_member
):
    _groups_with_customers(app, acme, [2, 0, 3])
    b = browser(acme_member)
    b.get("/customer-groups/list/")  # warm: the first page of a session reads more
    with counted(app) as few:
        html = b.get("/customer-groups/list/").get_data(as_text=True)
    assert _counts(html) == {"0": "2", "1": "0", "2": "3"}
    _groups_with_customers(app, acme, [1, 1, 1, 1], first=3)
    with counted(app) as more:
        html = b.get("/customer-groups/list/").get_data(as_text=True)
    assert _counts(html) == {"0": "2", "1": "0", "2": "3", "3": "1", "4": "1", "5": "1", "6": "1"}
    assert len(more) == len(few)


def test_a_customers_page_does_not_count_its_groups_customers(app, browser, acme, acme_member):
    (group,) = _groups_with_customers(app, acme, [2])
    customer = factories.customer(app, acme, "Kramerica Ltd", customer_group_id=group)
    b = browser(acme_member)
    with counted(app) as statements:
        assert b.get(f"/customers/show/{customer}").status_code == 200
    assert not [s for s in statements if "count(crm_customer.id)" in s.replace('"', "")]
