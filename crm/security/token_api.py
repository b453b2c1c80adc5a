"""FAB's JWT sign-in API, with tokens that carry the user's session version and refresh
tokens that work once: each exchange returns the next one (crm/services/accounts/logins.py)."""

from flask import request
from flask_appbuilder.api import safe
from flask_appbuilder.const import (
    API_SECURITY_ACCESS_TOKEN_KEY,
    API_SECURITY_PROVIDER_DB,
    API_SECURITY_PROVIDER_LDAP,
    API_SECURITY_REFRESH_TOKEN_KEY,
)
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.views import expose
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt, jwt_required
from marshmallow import ValidationError

from crm.services.accounts import logins

VERSION_CLAIM = "sv"


class CrmSecurityApi(SecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Sign in: a JWT access token and, when asked, a refresh token
        ---
        post:
          description: >-
            Authenticate and get a JWT access token and, with refresh=true, a refresh
            token that can be exchanged once
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    username:
                      type: string
                    password:
                      type: string
                    provider:
                      type: string
                      default: db
                      enum:
                      - db
                      - ldap
                    refresh:
                      type: boolean
          responses:
            200:
              description: Authentication Successful
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token:
                        type: string
                      refresh_token:
                        type: string
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            500:
              $ref: '#/components/responses/500'
        """
        if not request.is_json:
            return self.response_400(message="Request payload is not JSON")
        try:
            payload = login_post.load(request.json)
        except ValidationError as error:
            return self.response_400(message=error.messages)
        sm = self.appbuilder.sm
        user = None
        # FAB's schema leaves the provider optional, then reads it: the database by default.
        provider = payload.get("provider", API_SECURITY_PROVIDER_DB)
        if provider == API_SECURITY_PROVIDER_DB:
            user = sm.auth_user_db(payload["username"], payload["password"])
        elif provider == API_SECURITY_PROVIDER_LDAP:
            user = sm.auth_user_ldap(payload["username"], payload["password"])
        if not user:
            return self.response_401()
        refresh_jti = (
            logins.new_refresh_jti(sm.session, user.id) if payload.get("refresh") else None
        )
        return self.response(
            200, **_tokens(str(user.id), user.session_version, refresh_jti, fresh=True)
        )

    @expose("/refresh", methods=["POST"])
    @jwt_required(refresh=True)
    @safe
    def refresh(self):
        """Exchange a refresh token for a new access token and the next refresh token
        ---
        post:
          description: >-
            Use the refresh token once: the answer carries a new access token and the
            refresh token to use next time; the one sent stops working
          responses:
            200:
              description: Refresh Successful
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token:
                        type: string
                      refresh_token:
                        type: string
            401:
              $ref: '#/components/responses/401'
            500:
              $ref: '#/components/responses/500'
          security:
            - jwt_refresh: []
        """
        claims = get_jwt()
        next_jti = logins.rotate_refresh_jti(
            self.appbuilder.sm.session, int(claims["sub"]), claims["jti"]
        )
        if next_jti is None:
            return self.response_401()
        return self.response(
            200, **_tokens(claims["sub"], claims[VERSION_CLAIM], next_jti, fresh=False)
        )


def _tokens(identity, version, refresh_jti, fresh):
    tokens = {
        API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(
            identity=identity, fresh=fresh, additional_claims={VERSION_CLAIM: version}
        )
    }
    if refresh_jti is not None:
        tokens[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(
            identity=identity, additional_claims={VERSION_CLAIM: version, "jti": refresh_jti}
        )
    return tokens
