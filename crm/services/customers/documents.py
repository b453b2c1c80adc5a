"""Customer documents: size and type limits; the bytes are kept in the document storage
(crm/services/core/storage.py), outside the database."""

import mimetypes
import os
import uuid
from collections.abc import Mapping
from typing import IO, Any

from flask_babel import gettext
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from crm.models import Customer, Document
from crm.services.core.errors import ValidationFailed
from crm.services.core.storage import Storage, storage_for
from crm.services.core.transaction import transaction
from crm.services.customers.document_content import content_problem

NAME_LENGTH = Document.filename.type.length
DESCRIPTION_LENGTH = Document.description.type.length


def _limits(config: Mapping[str, Any]) -> tuple[int, tuple[str, ...]]:
    return config["CRM_DOCUMENT_MAX_BYTES"], tuple(config["CRM_DOCUMENT_EXTENSIONS"])


def storage(config: Mapping[str, Any]) -> Storage:
    return storage_for(config, "documents")


def open_file(config: Mapping[str, Any], document: Document) -> IO[bytes]:
    """The document's bytes as a binary file; FileNotFoundError when they are gone."""
    return storage(config).open(document.storage_key)


def store(
    session: Session,
    config: Mapping[str, Any],
    customer: Customer,
    upload: FileStorage,
    description: str | None = None,
    user_id: int | None = None,
) -> Document:
    """Save an uploaded file (a werkzeug FileStorage) for ``customer``."""
    max_bytes, extensions = _limits(config)
    filename = os.path.basename((upload.filename or "").replace("\\", "/")).strip()
    if not filename:
        raise ValidationFailed({"file": [gettext("Choose a file to upload.")]})
    if len(filename) > NAME_LENGTH:
        raise ValidationFailed(
            {
                "file": [
                    gettext(
                        "The file name is longer than %(count)s characters; rename the file.",
                        count=NAME_LENGTH,
                    )
                ]
            }
        )
    description = (description or "").strip() or None
    if description and len(description) > DESCRIPTION_LENGTH:
        raise ValidationFailed(
            {
                "description": [
                    gettext("Keep it under %(count)s characters.", count=DESCRIPTION_LENGTH)
                ]
            }
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in extensions:
        raise ValidationFailed(
            {
                "file": [
                    gettext(
                        "Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.",
                        ext=extension or "?",
                        allowed=", ".join(extensions),
                    )
                ]
            }
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationFailed(
            {
                "file": [
                    gettext(
                        "The file is larger than the limit of %(mb)s MB.",
                        mb=round(max_bytes / 1048576, 1),
                    )
                ]
            }
        )
    if not data:
        raise ValidationFailed({"file": [gettext("The file is empty.")]})
    problem = content_problem(extension, data)
    if problem:
        raise ValidationFailed({"file": [problem]})
    key = f"{customer.tenant_id}/{uuid.uuid4().hex}.{extension}"
    files = storage(config)
    files.save(key, data)
    document = Document(
        tenant_id=customer.tenant_id,
        customer=customer,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        size=len(data),
        storage_key=key,
        description=description,
        uploaded_by_id=user_id,
    )
    try:
        with transaction(session):
            session.add(document)
    except Exception:
        files.delete(key)
        raise
    return document


def forget_file(config: Mapping[str, Any], document: Document) -> None:
    """Remove a deleted document's bytes."""
    storage(config).delete(document.storage_key)
