"""Deleting a customer that other records point at is refused on the screen and in the API,
with the advice to archive it."""

from crm.extensions import db
from crm.models import Customer, Note
from crm.security.tenancy import tenant_scope
from tests import factories


def test_screen_and_api_refuse_and_suggest_archiving(
    app, acme, acme_admin, browser, api, notes_block_customers
):
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        db.session.add(Note(tenant_id=acme.id, customer_id=pk, body="kept"))
        db.session.commit()
        db.session.remove()
    r = browser(acme_admin).post(f"/customers/delete/{pk}", follow_redirects=True)
    assert "Archive it instead" in r.get_data(as_text=True)
    r = api(acme_admin).delete(f"/api/v1/customer/{pk}")
    assert r.status_code == 409 and "Archive it instead" in r.json["message"]
    assert factories.load(app, Customer, pk) is not None
