"""Guessing passwords: each client address is rate limited on both sign-ins, and an
account refuses every sign-in for a while after repeated failures (counted in the database)."""

import pytest
from sqlalchemy import update

from app import create_app
from config import TestConfig
from crm.extensions import db
from crm.models import CrmUser
from tests.conftest import PASSWORD, Browser, redis_url

REDIS_URL = redis_url("login_limits")


def _form_login(client, username, password):
    page = client.get("/login/")
    token = Browser(client)._token_from(page.get_data(as_text=True))
    return client.post(
        "/login/", data={"username": username, "password": password, "csrf_token": token}
    )


def _api_login(client, username, password):
    return client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
    )


def _signed_in(response):
    return response.status_code == 302 and "/login/" not in response.headers["Location"]


@pytest.fixture
def low_rate_limit(app):
    limiter = app.appbuilder.sm.limiter
    saved = app.config["AUTH_RATE_LIMIT"]
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    app.config["AUTH_RATE_LIMIT"] = saved
    limiter.reset()


@pytest.mark.parametrize("login", [_form_login, _api_login], ids=["form", "api"])
def test_a_client_is_refused_after_too_many_sign_ins(app, low_rate_limit, acme_member, login):
    client = app.test_client()
    for _ in range(3):
        assert login(client, acme_member.username, "wrong-password-1").status_code != 429
    refused = login(client, acme_member.username, PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)  # a page or JSON that says why


def test_rate_limit_counted_in_redis_when_configured(database, acme_member):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    app = create_app(
        type(
            "WithRedis",
            (TestConfig,),
            {
                "SQLALCHEMY_DATABASE_URI": database["url"],
                "RATELIMIT_STORAGE_URI": REDIS_URL,
                "AUTH_RATE_LIMIT": "2 per minute",
            },
        )
    )
    try:
        client = app.test_client()
        assert _api_login(client, acme_member.username, "wrong-password-1").status_code == 401
        assert _api_login(client, acme_member.username, "wrong-password-1").status_code == 401
        assert _api_login(client, acme_member.username, PASSWORD).status_code == 429
        assert redis.Redis.from_url(REDIS_URL).keys("LIMITS*")
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("login", [_form_login, _api_login], ids=["form", "api"])
def test_right_password_is_refused_after_ten_wrong_ones(app, acme_member, login):
    client = app.test_client()
    for _ in range(10):
        login(client, acme_member.username, "wrong-password-1")
    if login is _form_login:
        assert not _signed_in(login(client, acme_member.username, PASSWORD))
    else:
        assert login(client, acme_member.username, PASSWORD).status_code == 401


def test_the_lock_ends_after_fifteen_minutes(app, db_session, acme_member):
    client = app.test_client()
    for _ in range(10):
        _api_login(client, acme_member.username, "wrong-password-1")
    assert _api_login(client, acme_member.username, PASSWORD).status_code == 401
    with db_session() as session:
        user = session.get(CrmUser, acme_member.id)
        lock_left = user.locked_until - user.last_failed_login
        session.execute(
            update(CrmUser)
            .where(CrmUser.id == acme_member.id)
            .values(locked_until=user.locked_until - lock_left)
        )
        session.commit()
    assert 14 * 60 < lock_left.total_seconds() <= 15 * 60
    assert _api_login(client, acme_member.username, PASSWORD).status_code == 200


def test_nine_wrong_passwords_do_not_lock(app, acme_member):
    client = app.test_client()
    for _ in range(9):
        _api_login(client, acme_member.username, "wrong-password-1")
    assert _api_login(client, acme_member.username, PASSWORD).status_code == 200


def test_failures_older_than_the_window_are_not_counted(app, db_session, acme_member):
    client = app.test_client()
    for _ in range(9):
        _api_login(client, acme_member.username, "wrong-password-1")
    with db_session() as session:
        user = session.get(CrmUser, acme_member.id)
        session.execute(
            update(CrmUser)
            .where(CrmUser.id == acme_member.id)
            .values(
                last_failed_login=user.last_failed_login.replace(
                    year=user.last_failed_login.year - 1
                )
            )
        )
        session.commit()
    _api_login(client, acme_member.username, "wrong-password-1")
    assert _api_login(client, acme_member.username, PASSWORD).status_code == 200
