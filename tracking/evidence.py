"""Which uploaded files may back a progress record: photos, PDFs and office documents.

A file is judged by its content (magic bytes, via the `filetype` package), not by its name: an
.exe renamed .pdf is refused. The name must also agree with the content, so that a file opens
with the program its name promises.
"""

from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Detected kind → the file name endings that may carry it.
ALLOWED_KINDS = {
    "jpg": {".jpg", ".jpeg"},
    "png": {".png"},
    "gif": {".gif"},
    "webp": {".webp"},
    "heic": {".heic", ".heif"},
    "pdf": {".pdf"},
    "doc": {".doc"},
    "xls": {".xls"},
    "ppt": {".ppt"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "pptx": {".pptx"},
    "odt": {".odt"},
    "ods": {".ods"},
    "odp": {".odp"},
}
ACCEPT_ATTRIBUTE = ",".join(
    sorted(ending for endings in ALLOWED_KINDS.values() for ending in endings)
)

# Old Office files are OLE compound files; filetype recognises only some of their variants, so
# any compound file named .doc/.xls/.ppt is taken as that document.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_ENDINGS = {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}

SNIFF_BYTES = 8192


def sniff_kind(head, filename):
    """The allowed kind of a file from its first bytes and name, or None if it is not allowed."""
    ending = PurePosixPath(filename).suffix.lower()
    guess = filetype.guess(head)
    if guess is not None and ending in ALLOWED_KINDS.get(guess.extension, ()):
        return guess.extension
    if head.startswith(OLE_SIGNATURE) and ending in OLE_ENDINGS:
        return OLE_ENDINGS[ending]
    return None


def validate_evidence_file(upload):
    """Refuse a file that is too large or whose content is not an allowed document."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为%(size)s，超过了%(limit)s的上限。"),
            code="file_too_large",
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if sniff_kind(head, upload.name) is None:
        raise ValidationError(
            _(
                "文件“%(name)s”不是允许的佐证材料，或文件内容与扩展名不符。"
                "只接受图片（JPG、PNG、GIF、WEBP、HEIC）、PDF 和办公文档"
                "（Word、Excel、PowerPoint、OpenDocument）。"
            ),
            code="file_type_refused",
            params={"name": upload.name},
        )
