"""Role × page matrix: imports pages.

Policy officers import; policy officers and project leads export. A check (``ImportBatch``)
belongs to the officer who uploaded it: the batch pages are built for the policy officer the
matrix signs in (``tests.conftest`` names that user ``test-<role>``).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access_matrix import AD, ALL_ROLES, CM, PL, PO  # noqa: F401

MATRIX: dict = {
    "imports:index": [("get", None, {PO, PL})],
    "imports:upload": [("get", None, {PO}), ("post", "import_upload", {PO})],
    "imports:batch": [("get", "import_batch", {PO})],
    "imports:batch-progress": [("get", "import_batch", {PO})],
    "imports:commit": [("post", "import_batch", {PO})],
    "imports:discard": [("post", "import_batch_discard", {PO})],
    "imports:template": [("get", None, {PO})],
    "imports:template-csv": [("get", "import_template_csv", {PO})],
    "imports:export": [("get", None, {PO, PL})],
}
HOUSEHOLD_LEVEL: set[str] = set(MATRIX)
REFERENCE = "MATRIX-REF-1"


def _preview(intervention_type: str, file_name: str):

    from interventions.exchange.services import import_batch_preview
    from tests.factories import UserFactory

    officer = UserFactory(username=f"test-{PO.value}", role=PO)
    content = (
        f"referentie;interventie;startdatum;status\n{REFERENCE};{intervention_type};01-06-2024;gepland\n"
    ).encode()
    return import_batch_preview(data=content, file_name=file_name, user=officer)


def builders(context: dict) -> dict:
    from interventions.register.pseudonyms import pseudonymise
    from tests.factories import HouseholdFactory

    HouseholdFactory(pseudonym=pseudonymise(REFERENCE), area=context["areas"][0])
    code = context["intervention_type"].code
    batch = _preview(code, "matrix.csv")
    assert batch.can_be_committed, batch.errors
    discard = _preview(code, "matrix-discard.csv")
    upload = SimpleUploadedFile(
        "matrix-upload.csv",
        f"referentie;interventie;startdatum\n{REFERENCE};{code};01-07-2024\n".encode(),
        content_type="text/csv",
    )
    return {
        "import_batch": ({"pk": batch.pk}, None),
        "import_batch_discard": ({"pk": discard.pk}, None),
        "import_upload": ({}, {"file": upload}),
        "import_template_csv": ({"kind": "huishoudens"}, None),
    }
