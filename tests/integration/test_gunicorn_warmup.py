"""Web workers start warm: gunicorn.conf.py preloads the app and warms its templates and
catalogues (crm/web/warmup.py) before any worker serves."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from flask_babel import get_babel

from crm.web.warmup import warm_up

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_warm_up_compiles_the_pages_templates_and_loads_every_language(app):
    templates, languages = warm_up(app)
    assert languages == len(app.config["LANGUAGES"]) > 1
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert {"crm/base.html", "crm/navbar.html", "appbuilder/general/model/list.html"} <= cached
    assert templates == len(cached)
    domain = get_babel(app).instance.domain_instance
    assert {code for code, _domain in domain.cache} >= set(app.config["LANGUAGES"])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_config_file_warms_up_once_and_serves(app, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "CRM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CRM_SECRET_KEY": "gunicorn-test",
        "CRM_INSTANCE_DIR": str(tmp_path),
        "CRM_DOCUMENT_DIR": str(tmp_path / "documents"),
        "CRM_JOB_DIR": str(tmp_path / "jobs"),
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            status = None
            deadline = time.monotonic() + 120
            while status is None and time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                        status = r.status
                except OSError:
                    time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert status == 200, text[-3000:]
    assert text.count("Warmed up:") == 1, text[-3000:]
