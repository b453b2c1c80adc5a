"""The navbar's menu, rendered once per set of visible entries and language.

FAB's navbar_menu.html renders the same HTML for every user whose roles show the
same entries; it is kept by (visible entries, language) for the process. Whether
an entry is visible is asked on every request, so a permission taken from a role
changes the menu on the next page; only a user whose roles are all built-in
(configuration, crm/security/roles.py) finds it by the roles' names instead.
"""

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

MENU_TEMPLATE = "appbuilder/navbar_menu.html"
KEPT_AT_MOST = 256  # role combinations x languages; beyond that, start over


def _visible(appbuilder, items):
    sm = appbuilder.sm
    for item in items:
        if item and item.name != "-" and sm.has_access("menu_access", item.name):
            yield item.name
            yield from _visible(appbuilder, item.childs or ())
            yield "/"


def navbar_menu():
    appbuilder = current_app.appbuilder
    roles = appbuilder.sm.permission_key()
    shown = ("roles", roles) if roles else tuple(_visible(appbuilder, appbuilder.menu.get_list()))
    key = (shown, str(get_locale()), request.script_root)
    kept = current_app.extensions.setdefault("crm_navbar_menus", {})
    html = kept.get(key)
    if html is None:
        html = Markup(render_template(MENU_TEMPLATE, menu=appbuilder.menu))
        if len(kept) >= KEPT_AT_MOST:
            kept.clear()
        kept[key] = html
    return html


def install(app):
    app.add_template_global(navbar_menu, "crm_navbar_menu")
