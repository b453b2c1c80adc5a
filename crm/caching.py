"""The shared short-lived cache (Flask-Caching): Redis when CRM_REDIS_URL is set, so every
web worker on every machine reads the same entries; otherwise a folder in the instance
folder (CRM_CACHE_DIR), shared by the workers of the one machine an embedded install runs
on. Only figures that may be a little old go here, each with the time it was computed."""

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_caching import Cache

cache = Cache()


def cache_config(config: Mapping[str, Any]) -> dict[str, Any]:
    if config.get("CRM_REDIS_URL"):
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config["CRM_REDIS_URL"],
            "CACHE_KEY_PREFIX": "ledgerline:cache:",
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": config["CRM_CACHE_DIR"],
        "CACHE_THRESHOLD": 2000,
    }


def init_app(app: Flask) -> None:
    cache.init_app(app, config=cache_config(app.config))
