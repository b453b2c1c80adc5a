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
