"""The ceiling of benchmarks/load.py: a bare Flask app answering "ok", served by gunicorn
with the CRM's settings, so the load run shows what the server and client alone allow."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok():
    return "ok"
