"""gunicorn settings for the web workers; gunicorn reads this file from the working directory:

    gunicorn --workers 4 --bind 127.0.0.1:8000 "app:create_app()"

The app is built once in the master and its templates and catalogues warmed there
(crm/web/warmup.py), so every worker starts warm. A preloaded app keeps its code across
``kill -HUP``: a release restarts the service (README, Production)."""

import os

wsgi_app = "app:create_app()"
preload_app = os.environ.get("CRM_GUNICORN_PRELOAD", "1") != "0"


def when_ready(server):
    if not server.cfg.preload_app:
        return
    from crm.web.warmup import release_connections, warm_up

    app = server.app.wsgi()
    templates, languages = warm_up(app)
    release_connections(app)
    server.log.info("Warmed up: %d templates, %d languages", templates, languages)


def post_worker_init(worker):
    if worker.cfg.preload_app:
        return
    from crm.web.warmup import warm_up

    templates, languages = warm_up(worker.wsgi)
    worker.log.info("Warmed up: %d templates, %d languages", templates, languages)
