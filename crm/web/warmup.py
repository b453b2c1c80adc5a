"""Work a web worker does before its first request rather than during it: compiling the
templates and loading every language's catalogues (gunicorn.conf.py calls ``warm_up``).
With ``preload_app`` it runs once in gunicorn's master, and the workers inherit the result."""

from flask_babel import force_locale, get_translations

from crm.extensions import db

# FAB's templates and ours; the others (Swagger, e-mail bodies) are rarely rendered.
TEMPLATE_FOLDERS = ("crm/", "appbuilder/")


def warm_up(app):
    """Compile the pages' templates into the app's template cache and load the catalogues
    of every shipped language; returns (templates compiled, languages loaded)."""
    names = [
        name
        for name in app.jinja_env.list_templates(extensions=["html"])
        if name.startswith(TEMPLATE_FOLDERS)
    ]
    for name in names:
        app.jinja_env.get_template(name)
    languages = list(app.config["LANGUAGES"])
    with app.test_request_context():
        for code in languages:
            with force_locale(code):
                get_translations()
    return len(names), len(languages)


def release_connections(app):
    """Close the database connections this process opened (creating the app inspects the
    schema): a forked worker must open its own, never share its parent's."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
