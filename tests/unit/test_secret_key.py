"""The secret key made on first start is readable by its owner only, whatever the umask."""

import os
import stat

import config


def test_the_secret_key_file_is_created_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    previous = os.umask(0)
    try:
        key = config._secret_key(str(instance))
    finally:
        os.umask(previous)
    path = instance / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64 and path.read_text() == key
    assert config._secret_key(str(instance)) == key  # read back, not replaced


def test_a_worker_that_loses_the_race_to_make_the_key_reads_the_winners(tmp_path, monkeypatch):
    """Web workers read the config at the same moment on a first start: one that found no
    key and made one after another worker did keeps the other's, complete."""
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    winner = config._secret_key(str(instance))
    monkeypatch.setattr(config.os.path, "exists", lambda path: False)
    assert config._secret_key(str(instance)) == winner
    assert os.listdir(instance) == ["secret_key"]
