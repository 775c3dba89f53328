from openapi_spec_validator import validate

from service.api.errors import CODES
from service.api.openapi import spec


def test_openapi_document_is_valid_3_1():
    document = spec()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_and_error_code_is_documented(live_server):
    import json
    import urllib.request

    with urllib.request.urlopen(live_server + "/openapi.json") as response:
        document = json.loads(response.read())
    from service.api.analysis import analysis as api
    from service.api.ops import ops

    documented = set(document["paths"])
    for path in ("/v1/analyze", "/v1/classify", "/v1/summarize", "/v1/analyze/batch", "/v1/themes", "/v1/model", "/healthz", "/readyz", "/metrics"):
        assert path in documented
    assert set(document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]) == set(CODES)
    with urllib.request.urlopen(live_server + "/docs") as response:
        page = response.read().decode()
    assert "/v1/analyze" in page and "text_too_long" in page
    assert api.name and ops.name


def test_docs_shows_the_fields_of_every_body():
    from service.api.app import create_app

    page = create_app({"TESTING": True}).test_client().get("/docs").get_data(as_text=True)
    assert "$ref" not in page
    analyze = page[page.index("POST /v1/analyze<") : page.index("POST /v1/classify<")]
    expected = ("text", "max_chars", "theme", "scores", "sentences[].start", "warnings")
    for field in (f"<code>{name}</code>" for name in expected):
        assert field in analyze, field
    train = page[page.index("POST /v1/train<") :]
    assert "<code>unlabeled</code>" in train and "<code>exclude_ids</code>" in train
