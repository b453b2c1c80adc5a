"""Extension singletons, kept apart so nothing imports in circles.

The AppBuilder itself is created per application in ``create_app`` (one per
app, so tests can build several) and reached through ``current_app.appbuilder``.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db: SQLAlchemy = get_sqla_class()()
migrate = Migrate()
csrf = CSRFProtect()
