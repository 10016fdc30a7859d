"""A draft uploaded as a DOCX or PDF file, read into text and split into numbered sections
for the officer to review before it is saved; and the explanatory documents attached to a
consultation (Law Art 25–26: residents read the draft and what explains it).

DOCX is read with the standard library (zipfile + xml): the paragraphs of word/document.xml,
in order. Numbers that Word adds by itself (automatic numbering) are not in the text; drafts
typed the usual way ("Điều 1.", "Chương I") split as they read. PDF is read with pypdf; a
scanned PDF has no text and is refused with the reason, as are encrypted files.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from danchu.accounts import permissions
from danchu.audit.services import record
from danchu.consultations.models import Attachment, Consultation
from danchu.consultations.services import split_into_sections
from danchu.core.errors import ValidationError
from danchu.core.uploads import check_upload

DRAFT_MAX_MB = 10
ATTACHMENT_MAX_MB = 10
# A DOCX is a zip: its text may not unpack to more than this (a zip bomb would).
DOCX_MAX_XML_BYTES = 40 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and Office files with a password


def _name(name: str) -> str:
    return (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200]


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_size(name: str, data: bytes, max_mb: int) -> None:
    if not data:
        raise ValidationError(_("Tệp “%(name)s” trống."), code="empty_file", params={"name": name})
    if len(data) > max_mb * 1024 * 1024:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (tối đa %(mb)d MB)."),
            code="file_too_large",
            params={"name": name, "mb": max_mb},
        )


def _bad_type(name: str) -> ValidationError:
    return ValidationError(
        _("Tệp “%(name)s” không phải tệp Word (.docx) hay PDF; hãy tải lên bản .docx hoặc .pdf."),
        code="bad_file_type",
        params={"name": name},
    )


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def docx_text(name: str, data: bytes) -> str:
    """The paragraphs of a DOCX, one a line (tabs kept, line breaks inside a paragraph
    kept)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > DOCX_MAX_XML_BYTES:
                raise ValidationError(
                    _("Tệp “%(name)s” quá lớn khi giải nén."),
                    code="file_too_large",
                    params={"name": name},
                )
            xml = archive.read(info)
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
            # Word never writes a DTD; one here could only expand entities (a "billion laughs").
            raise ElementTree.ParseError("DTD")
        root = ElementTree.fromstring(xml)  # noqa: S314 - no DTD, so no entity to expand
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError):
        raise ValidationError(
            _("Không đọc được tệp Word “%(name)s”: tệp bị hỏng."),
            code="unreadable_file",
            params={"name": name},
        ) from None
    lines = []
    for paragraph in root.iter(f"{W}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{W}tab":
                pieces.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                pieces.append("\n")
        lines.append("".join(pieces))
    # A blank line between paragraphs, so a draft without headings splits at paragraphs.
    return "\n\n".join(line.strip() for line in lines if line.strip())


def pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("Tệp PDF “%(name)s” có mật khẩu; hãy tải lên bản không đặt mật khẩu."),
                code="encrypted_file",
                params={"name": name},
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError):
        raise ValidationError(
            _("Không đọc được tệp PDF “%(name)s”: tệp bị hỏng hoặc có mật khẩu."),
            code="unreadable_file",
            params={"name": name},
        ) from None
    return "\n".join(pages)


def read_draft(name: str, data: bytes) -> str:
    """The text of an uploaded draft (DOCX or PDF), checked by its content, not its name.
    Refused with the reason: empty, too big, not a DOCX or PDF, encrypted, damaged, or a
    scan with no text."""
    name = _name(name)
    _check_size(name, data, DRAFT_MAX_MB)
    extension = _extension(name)
    if data.startswith(OLE_MAGIC):
        raise ValidationError(
            _(
                "Tệp “%(name)s” là tệp Word cũ (.doc) hoặc có mật khẩu; hãy lưu lại thành .docx "
                "không đặt mật khẩu."
            ),
            code="old_or_encrypted_word",
            params={"name": name},
        )
    if extension == ".docx" and _is_docx(data):
        text = docx_text(name, data)
    elif extension == ".pdf" and data.startswith(b"%PDF-"):
        text = pdf_text(name, data)
    else:
        raise _bad_type(name)
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if not text:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không có chữ đọc được (có thể là bản scan ảnh); hãy tải lên bản "
                "Word hoặc PDF có chữ, hoặc dán toàn văn."
            ),
            code="no_text",
            params={"name": name},
        )
    return text


def preview_sections(text: str) -> list[tuple[str, str]]:
    """How a draft will be split, for the officer to check before saving."""
    return split_into_sections(text)


# --- explanatory documents ------------------------------------------------------------------


@transaction.atomic
def attach_document(*, actor, consultation: Consultation, title: str, name: str, data: bytes):
    """Attach an explanatory document (tờ trình, thuyết minh…) as PDF, DOCX, JPEG or PNG. Not
    after the synthesis is published: what residents were given to read stays as it was."""
    permissions.require(actor, "consultations.manage", consultation.unit)
    if consultation.status == Consultation.Status.ANSWERED:
        raise ValidationError(
            _("Kết quả tổng hợp đã công bố; không đính kèm thêm tài liệu."), code="answered"
        )
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Hãy ghi tên tài liệu."), code="no_title")
    name = _name(name)
    if _extension(name) == ".docx":
        _check_size(name, data, ATTACHMENT_MAX_MB)
        if not _is_docx(data):
            raise _bad_type(name)
        content_type = DOCX_TYPE
    else:
        checked = check_upload(
            name,
            data,
            allowed=("application/pdf", "image/jpeg", "image/png"),
            max_mb=ATTACHMENT_MAX_MB,
        )
        content_type = checked.content_type
    attachment = Attachment(
        consultation=consultation,
        title=title[:300],
        content_type=content_type,
        size=len(data),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(f"tai-lieu{_extension(name)}", ContentFile(data), save=False)
    attachment.save()
    record(
        actor=actor,
        action="consultations.attachment",
        obj=attachment,
        unit=consultation.unit,
        payload={"consultation": consultation.pk, "title": attachment.title},
    )
    return attachment
