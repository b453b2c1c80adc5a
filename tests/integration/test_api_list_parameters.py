"""The list endpoints' plain parameters (page, page_size, order_column, order_direction)
and money sent as decimal strings or numbers."""

import prison
import pytest

from crm.models import Customer
from tests import factories
from tests.factories import load


@pytest.fixture
def five(app, acme):
    return [factories.customer(app, acme, f"Customer {n}") for n in "ABCDE"]


def _names(response):
    assert response.status_code == 200, response.json
    return [row["name"] for row in response.json["result"]]


def test_plain_parameters_page_and_order_a_list(app, api, acme_admin, five):
    client = api(acme_admin)
    url = "/api/v1/customer/?order_column=name&order_direction=desc&page_size=2"
    assert _names(client.get(url + "&page=0")) == ["Customer E", "Customer D"]
    assert _names(client.get(url + "&page=2")) == ["Customer A"]
    assert client.get(url + "&page=1").json["count"] == 5


def test_q_wins_over_a_plain_parameter_naming_the_same_key(app, api, acme_admin, five):
    q = prison.dumps({"order_column": "name", "order_direction": "asc", "page_size": 1})
    names = _names(api(acme_admin).get(f"/api/v1/customer/?q={q}&order_direction=desc&page=1"))
    assert names == ["Customer B"]


@pytest.mark.parametrize(
    "query, word",
    [
        ("page=-1", "page"),
        ("page=two", "page"),
        ("page_size=0", "page_size"),
        ("page=99999999999999999999", "page"),
        ("order_direction=up", "order_direction"),
        ("order_column=nope", "nope"),
    ],
)
def test_bad_plain_parameters_are_400_with_a_message(app, api, acme_admin, query, word):
    response = api(acme_admin).get(f"/api/v1/customer/?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert word in response.json["message"]


def test_sorting_by_a_hidden_figure_is_refused_with_plain_parameters_too(
    app, api, acme_member, five
):
    response = api(acme_member).get("/api/v1/customer/?order_column=balance")
    assert response.status_code == 400
    assert "balance" in response.json["message"]


@pytest.mark.parametrize("sent", ["1250.50", 1250.5, "1250.5"])
def test_money_is_taken_as_a_decimal_string_or_a_number_and_read_as_a_string(
    app, api, acme_admin, sent
):
    client = api(acme_admin)
    response = client.post(
        "/api/v1/customer/",
        json={"name": "Money Co", "email": "money@co.example", "credit_limit": sent},
    )
    assert response.status_code == 201, response.json
    pk = response.json["id"]
    assert str(load(app, Customer, pk).credit_limit) == "1250.50"
    assert client.get(f"/api/v1/customer/{pk}").json["result"]["credit_limit"] == "1250.50"
