"""Files of email interactions: checked as customer documents are (type, size, content)
and kept in the document storage under <tenant>/mail/."""

import mimetypes
import os
import uuid
from collections.abc import Mapping
from typing import IO, Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import InteractionAttachment
from crm.services.core.errors import ValidationFailed
from crm.services.core.storage import Storage, storage_for
from crm.services.customers.document_content import content_problem

NAME_LENGTH = InteractionAttachment.filename.type.length
# The most files one composed message carries.
MAX_FILES = 10


def storage(config: Mapping[str, Any]) -> Storage:
    return storage_for(config, "documents")


def clean_name(filename: str | None) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return name[-NAME_LENGTH:]


def check_upload(config: Mapping[str, Any], filename: str, data: bytes) -> str | None:
    """Why a file cannot go out with a message, or None: the document rules."""
    max_bytes, extensions = config["CRM_DOCUMENT_MAX_BYTES"], config["CRM_DOCUMENT_EXTENSIONS"]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not filename:
        return gettext("A file has no name.")
    if extension not in extensions:
        return gettext(
            "Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.",
            ext=extension or "?",
            allowed=", ".join(extensions),
        )
    if len(data) > max_bytes:
        return gettext(
            "%(name)s is larger than the limit of %(mb)s MB.",
            name=filename,
            mb=round(max_bytes / 1048576, 1),
        )
    if not data:
        return gettext("%(name)s is empty.", name=filename)
    return content_problem(extension, data)


def check_uploads(config: Mapping[str, Any], files: list[tuple[str, bytes]]) -> None:
    problems = [p for name, data in files if (p := check_upload(config, name, data))]
    if len(files) > MAX_FILES:
        problems.append(gettext("Attach at most %(count)s files.", count=MAX_FILES))
    if problems:
        raise ValidationFailed({"attachments": problems})


def content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def stage(config: Mapping[str, Any], tenant_id: int, filename: str, data: bytes) -> str:
    """Keep a file until its message goes; returns its storage key."""
    key = f"{tenant_id}/mail/{uuid.uuid4().hex}"
    storage(config).save(key, data)
    return key


def attach(
    session: Session,
    config: Mapping[str, Any],
    interaction: Any,
    filename: str,
    data: bytes,
    mimetype: str | None = None,
) -> Any:
    """Store ``data`` and record it as a file of ``interaction`` (in the caller's
    transaction)."""
    key = stage(config, interaction.tenant_id, filename, data)
    attachment = InteractionAttachment(
        tenant_id=interaction.tenant_id,
        interaction=interaction,
        filename=clean_name(filename) or "attachment",
        content_type=(mimetype or content_type(filename))[:120],
        size=len(data),
        storage_key=key,
    )
    session.add(attachment)
    return attachment


def files_of(session: Session, interaction_id: object) -> list[Any]:
    """The files of an interaction; ``interaction_id`` as a page's URL gives it (text)."""
    try:
        interaction_id = int(str(interaction_id))
    except ValueError:
        return []
    return list(
        session.scalars(
            select(InteractionAttachment)
            .where(InteractionAttachment.interaction_id == interaction_id)
            .order_by(InteractionAttachment.id)
        )
    )


def open_file(config: Mapping[str, Any], attachment: Any) -> IO[bytes]:
    return storage(config).open(attachment.storage_key)
