"""Every HTML page names its language: ``<html lang="de">`` for a reader in German, so
screen readers pronounce it and browsers pick fonts, hyphenation and translation offers.

The framework's outermost page template writes a bare ``<html>`` outside any block a
template can override, so the attribute is set on the way out, once per HTML answer."""

from flask import Flask, Response, request
from flask_babel import get_locale

_BARE = b"<html>"


def _with_language(response: Response) -> Response:
    if (
        response.mimetype != "text/html"
        or response.direct_passthrough
        or response.is_streamed
        or request.path.startswith("/api/")
    ):
        return response
    body = response.get_data()
    at = body.find(_BARE, 0, 2048)  # the opening tag comes right after the doctype
    if at < 0:
        return response
    locale = get_locale()
    language = str(locale).replace("_", "-") if locale is not None else "en"
    response.set_data(body[:at] + f'<html lang="{language}">'.encode() + body[at + len(_BARE) :])
    return response


def install(app: Flask) -> None:
    app.after_request(_with_language)
