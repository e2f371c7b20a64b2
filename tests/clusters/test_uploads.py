"""The one upload check (clusters.uploads): type by extension and first bytes, empty, the site's limit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from clusters.uploads import PDF, check_upload

ONLY_PDF = "“%(name)s”: PDF only."


def codes(upload):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload, PDF, type_message=ONLY_PDF)
    return exc.value.code, exc.value.messages[0]


def test_a_real_pdf_passes_and_keeps_only_its_base_name():
    upload = SimpleUploadedFile("../../etc/bao-cao.pdf", b"%PDF-1.7 body")
    assert check_upload(upload, PDF, type_message=ONLY_PDF) == "bao-cao.pdf"
    assert upload.read(4) == b"%PDF"  # rewound for the storage


def test_wrong_type_empty_and_disguised_files_are_refused():
    assert codes(SimpleUploadedFile("x.exe", b"MZ")) == ("type", "“x.exe”: PDF only.")
    assert codes(SimpleUploadedFile("x.pdf", b""))[0] == "empty"
    assert codes(SimpleUploadedFile("x.pdf", b"MZ\x90\x00"))[0] == "content"


@override_settings(MAX_UPLOAD_BYTES=1024 * 1024)
def test_the_limit_is_the_sites_setting_not_a_constant():
    code, message = codes(SimpleUploadedFile("x.pdf", b"%PDF" + b"0" * (1024 * 1024)))
    assert code == "size" and "1 MB" in message
    assert check_upload(SimpleUploadedFile("y.pdf", b"%PDF" + b"0" * 1000), PDF, type_message=ONLY_PDF)
