"""Checking uploaded files by their content, not their name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danchu.core.errors import ValidationError

# content type -> (magic prefix, extensions a person would give such a file)
_KINDS = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
IMAGE_TYPES = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    for content_type, (magic, _extensions) in _KINDS.items():
        if data.startswith(magic):
            return content_type
    return None


def check_upload(name: str, data: bytes, *, allowed: tuple[str, ...], max_mb: int) -> CheckedFile:
    """Accept the file only if its bytes are an allowed type matching its extension."""
    name = (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not data:
        raise ValidationError(_("Tệp “%(name)s” trống."), code="empty_file", params={"name": name})
    if len(data) > max_mb * 1024 * 1024:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (tối đa %(mb)d MB)."),
            code="file_too_large",
            params={"name": name, "mb": max_mb},
        )
    content_type = sniff(data)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed_extensions = [e for t in allowed for e in _KINDS[t][1]]
    if content_type not in allowed or extension not in _KINDS[content_type][1]:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không đúng loại: chỉ nhận %(kinds)s, và nội dung phải khớp đuôi tệp."
            ),
            code="bad_file_type",
            params={"name": name, "kinds": ", ".join(allowed_extensions)},
        )
    return CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest())
