"""The local-folder storage: bytes by key, and no key reaches outside its folder."""

import io
import os

import pytest

from crm.services.core.storage import LocalFolder, StorageKeyRefused, check_config, storage_for


@pytest.fixture
def folder(tmp_path):
    return LocalFolder(str(tmp_path / "store"))


def test_bytes_and_streams_are_saved_read_back_and_deleted(folder):
    folder.save("7/contract.pdf", b"%PDF-1.4")
    folder.save("7/export/list.csv", io.BytesIO(b"a,b\n1,2\n"))
    with folder.open("7/contract.pdf") as stored:
        assert stored.read() == b"%PDF-1.4"
    with folder.open("7/export/list.csv") as stored:
        assert stored.read() == b"a,b\n1,2\n"
    assert folder.exists("7/contract.pdf")
    folder.delete("7/contract.pdf")
    assert not folder.exists("7/contract.pdf")
    folder.delete("7/contract.pdf")  # already gone: nothing to do
    with pytest.raises(FileNotFoundError):
        folder.open("7/contract.pdf")


def test_saving_again_replaces_and_leaves_no_partial_file(folder):
    folder.save("1/a.txt", b"first")
    folder.save("1/a.txt", b"second")
    with folder.open("1/a.txt") as stored:
        assert stored.read() == b"second"
    assert os.listdir(os.path.join(folder.root, "1")) == ["a.txt"]


def test_a_failed_save_leaves_nothing_behind(folder):
    class Broken(io.RawIOBase):
        def readinto(self, buffer):
            raise OSError("the upload broke off")

    with pytest.raises(OSError):
        folder.save("1/broken.txt", Broken())
    assert os.listdir(os.path.join(folder.root, "1")) == []


@pytest.mark.parametrize(
    "key",
    ["../x", "1/../../x", "/etc/passwd", "", "1//x", "./x", "1/.", "..\\x", "c:x", "a\0b"],
)
def test_keys_that_would_leave_the_folder_are_refused(folder, tmp_path, key):
    (tmp_path / "x").write_bytes(b"outside")
    for operation in (
        lambda: folder.save(key, b"overwritten"),
        lambda: folder.open(key),
        lambda: folder.delete(key),
        lambda: folder.exists(key),
    ):
        with pytest.raises(StorageKeyRefused):
            operation()
    assert (tmp_path / "x").read_bytes() == b"outside"


def test_a_link_inside_the_folder_does_not_lead_out_of_it(folder, tmp_path):
    (tmp_path / "secret.txt").write_bytes(b"outside")
    os.makedirs(folder.root)
    os.symlink(tmp_path, os.path.join(folder.root, "elsewhere"))
    with pytest.raises(StorageKeyRefused):
        folder.open("elsewhere/secret.txt")


def test_the_configured_backend_serves_each_area_from_its_folder(tmp_path):
    config = {
        "CRM_STORAGE": "local",
        "CRM_DOCUMENT_DIR": str(tmp_path / "documents"),
        "CRM_JOB_DIR": str(tmp_path / "jobs"),
    }
    storage_for(config, "documents").save("1/a.txt", b"doc")
    storage_for(config, "jobs").save("1/a.txt", b"job")
    assert (tmp_path / "documents" / "1" / "a.txt").read_bytes() == b"doc"
    assert (tmp_path / "jobs" / "1" / "a.txt").read_bytes() == b"job"


def test_an_unknown_backend_stops_the_start(tmp_path):
    config = {"CRM_STORAGE": "s3", "CRM_DOCUMENT_DIR": "d", "CRM_JOB_DIR": "j"}
    with pytest.raises(LookupError, match="CRM_STORAGE='s3'"):
        check_config(config)
