"""Role × page matrix: the upload of indicator files. The project lead and the policy officers
(who also import the register) upload, check and commit; never a council member. Indicator
values are published aggregates: an upload is not household data, and every importer reaches
every upload."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_matrix import PL, PO

IMPORTERS = {PO, PL}

MATRIX: dict = {
    "indicator_imports:index": [("get", None, IMPORTERS)],
    "indicator_imports:new": [
        ("get", None, IMPORTERS),
        ("post", "indicator_upload_new", IMPORTERS),
    ],
    "indicator_imports:upload": [("get", "indicator_upload", IMPORTERS)],
    "indicator_imports:progress": [("get", "indicator_upload", IMPORTERS)],
    "indicator_imports:commit": [("post", "indicator_upload", IMPORTERS)],
    "indicator_imports:discard": [("post", "indicator_upload_discard", IMPORTERS)],
    "indicator_imports:template": [("get", None, IMPORTERS)],
    "indicator_imports:template-csv": [("get", "indicator_template_csv", IMPORTERS)],
}
HOUSEHOLD_LEVEL: set[str] = set()


def _checked(file_name: str, content: bytes):
    from monitoring.exchange.checking import indicator_upload_check
    from monitoring.exchange.models import IndicatorUpload, UploadStatus
    from tests.factories import UserFactory

    lead = UserFactory(username=f"matrix-{PL.value}", role=PL)
    upload = IndicatorUpload.objects.create(
        uploaded_by=lead,
        uploaded_by_username=lead.get_username(),
        file_name=file_name,
        file_sha256="0" * 64,
        status=UploadStatus.CHECKING,
        upload=content,
    )
    indicator_upload_check(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def builders(context: dict) -> dict:
    from monitoring.indicators.models import Indicator

    Indicator.objects.create(
        code="matrix_import",
        label_nl="Matrix",
        label_en="Matrix",
        unit="count",
        direction="neutral",
        theme="context",
    )
    code = context["areas"][0].code
    content = f"gebied;jaar;indicator;waarde\n{code};2024;matrix_import;7\n".encode()
    upload = _checked("matrix.csv", content)
    assert upload.can_be_committed, upload.errors
    discard = _checked("matrix-discard.csv", content)
    new = SimpleUploadedFile("matrix-upload.csv", content, content_type="text/csv")
    return {
        "indicator_upload": ({"pk": upload.pk}, None),
        "indicator_upload_discard": ({"pk": discard.pk}, None),
        "indicator_upload_new": ({}, {"file": new}),
        "indicator_template_csv": ({"shape": "lang"}, None),
    }
