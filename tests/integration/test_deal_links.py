"""A customer or company that deals point at cannot be deleted; the refusal says why."""

from crm.models import Company, Customer
from tests import factories
from tests.factories import load


def test_a_customer_with_deals_cannot_be_deleted(app, acme, acme_admin, browser, api):
    customer = factories.customer(app, acme, "Deal Holder Ltd")
    factories.deal(app, acme, customer_id=customer)
    b = browser(acme_admin)
    r = b.post(f"/customers/delete/{customer}", follow_redirects=True)
    assert "cannot be deleted: it has 1 deals" in r.get_data(as_text=True)
    r = api(acme_admin).delete(f"/api/v1/customer/{customer}")
    assert r.status_code == 409 and "1 deals" in r.json["message"]
    assert load(app, Customer, customer) is not None


def test_a_company_with_deals_cannot_be_deleted(app, acme, acme_admin, browser, api):
    company = factories.company(app, acme, "Deal Parent Holding")
    factories.deal(app, acme, company_id=company)
    r = api(acme_admin).delete(f"/api/v1/company/{company}")
    assert r.status_code == 409 and "1 deals" in r.json["message"]
    r = browser(acme_admin).post(f"/companies/delete/{company}", follow_redirects=True)
    assert "1 deals" in r.get_data(as_text=True)
    assert load(app, Company, company) is not None


def test_without_deals_the_customer_can_be_deleted(app, acme, acme_admin, api):
    customer = factories.customer(app, acme, "Free Ltd")
    assert api(acme_admin).delete(f"/api/v1/customer/{customer}").status_code == 200
