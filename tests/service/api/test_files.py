"""Uploaded files against a real server: PDF, Word and HTML bulletins analysed and split like
their text; files that give no text answered with their stable codes."""

import requests

from tests.service.documents import make_files


def upload(live_server, path, name, data, **form):
    return requests.post(f"{live_server}{path}", files={"file": (name, data)}, data=form, timeout=60)


def text_answers(live_server):
    """The seed's articles and their analysis as /v1/split and /v1/analyze/batch give them for the text."""
    seed = make_files.seed()
    articles = requests.post(f"{live_server}/v1/split", json={"text": seed}, timeout=60).json()["articles"]
    items = [{"id": i, "title": a["title"], "text": a["text"]} for i, a in enumerate(articles)]
    results = requests.post(f"{live_server}/v1/analyze/batch", json={"items": items, "max_chars": 90}, timeout=60).json()["results"]
    return articles, results


def test_pdf_word_and_html_bulletins_give_the_articles_and_analysis_of_their_text(live_server):
    make_files.require_font()
    articles, results = text_answers(live_server)
    seed = make_files.seed()
    files = {
        "bulletin.pdf": make_files.bulletin_pdf(make_files.seed_paragraphs(seed)),
        "bulletin.docx": make_files.bulletin_docx(make_files.seed_sections(seed)),
        "bulletin.html": make_files.bulletin_html([(" ".join(h), body) for h, body in make_files.seed_sections(seed)]),
    }
    for name, data in files.items():
        split = upload(live_server, "/v1/split/file", name, data)
        assert split.status_code == 200, split.text
        assert split.json()["kind"] == name.rsplit(".", 1)[1]
        assert split.json()["articles"] == articles, name
        analysed = upload(live_server, "/v1/analyze/file", name, data, max_chars="90")
        assert analysed.status_code == 200, analysed.text
        answer = analysed.json()
        assert [r["id"] for r in answer["results"]] == [f"{name}#{n}" for n in range(1, 9)]
        assert [r["title"] for r in answer["results"]] == [a["title"] for a in articles]
        for got, want in zip(answer["results"], results):
            assert (got["theme"], got["themes"], got["summary"]) == (want["theme"], want["themes"], want["summary"]), name


def test_a_file_named_wrongly_is_read_by_its_content(live_server):
    make_files.require_font()
    pdf = make_files.bulletin_pdf(make_files.seed_paragraphs(make_files.seed()))
    answer = upload(live_server, "/v1/split/file", "bulletin.html", pdf)
    assert answer.status_code == 200 and answer.json()["kind"] == "pdf" and len(answer.json()["articles"]) == 8


def test_files_that_give_no_text_get_their_stable_code(live_server):
    make_files.require_font()
    cases = [
        ("locked.pdf", make_files.encrypted_pdf("招商引资项目签约。"), 400, "encrypted_file"),
        ("scan.pdf", make_files.image_pdf(), 400, "no_text_layer"),
        ("cut.pdf", make_files.bulletin_pdf(make_files.seed_paragraphs(make_files.seed()))[:900], 400, "corrupt_file"),
        ("report.docx", b"PK\x03\x04 not really a zip archive", 400, "corrupt_file"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "unsupported_type"),
        ("empty.txt", b"", 400, "empty_document"),
    ]
    for name, data, status, code in cases:
        for path in ("/v1/analyze/file", "/v1/split/file"):
            answer = upload(live_server, path, name, data)
            assert answer.status_code == status, (name, path, answer.text)
            assert answer.json()["error"]["code"] == code and answer.json()["error"]["field"] == "file", (name, answer.text)


def test_bad_uploads_get_clear_errors(live_server):
    as_json = requests.post(f"{live_server}/v1/analyze/file", json={"text": "文章。"}, timeout=30)
    assert as_json.status_code == 415 and as_json.json()["error"]["code"] == "unsupported_media_type"
    no_file = requests.post(f"{live_server}/v1/analyze/file", files={"other": ("a.txt", "文章。".encode())}, timeout=30)
    assert no_file.status_code == 400 and no_file.json()["error"] == {**no_file.json()["error"], "code": "missing_field", "field": "file"}
    text = "某市在深圳举办招商推介会，现场签约项目12个，总投资86亿元。".encode()
    for form, code, field in ((
        {"max_chars": "many"}, "wrong_type", "max_chars"), ({"max_chars": "0"}, "invalid_value", "max_chars"), ({"max_chars": "²"}, "wrong_type", "max_chars"),
        ({"split": "perhaps"}, "wrong_type", "split"), ({"max_chars": "50", "max_sentences": "2"}, "invalid_value", "max_sentences"),
    ):  # fmt: skip
        answer = upload(live_server, "/v1/analyze/file", "a.txt", text, **form)
        assert answer.status_code == 400 and answer.json()["error"]["code"] == code and answer.json()["error"]["field"] == field, (form, answer.text)
    whole = upload(live_server, "/v1/analyze/file", "a.txt", make_files.seed().encode(), split="false")
    assert whole.status_code == 200 and len(whole.json()["results"]) == 1
