"""The entry point: plain text, paths, the Document record, and no traceback from any input."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.documents import Document, DocumentError, articles, read_document, read_path
from tests.service.documents.make_files import PdfLayout, article_html, bulletin_docx, reference, seed, seed_sections, two_column_pdf


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_seed_as_text_in_any_encoding(encoding):
    document = read_document(seed().replace("\n", "\r\n").encode(encoding), "seed.txt")
    assert document == Document("text", None, seed())
    assert articles(document) == list(reference())


def test_bytes_that_are_no_text_are_undecodable():
    with pytest.raises(DocumentError) as caught:
        read_document("开发区".encode() + b"\x80\xff\xfe\x80" + "会议".encode(), "a.txt")
    assert caught.value.code == "undecodable"


def test_document_is_frozen():
    document = read_document("开发区召开会议。".encode())
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.text = "x"  # type: ignore[misc]


def test_read_path_uses_the_name_as_a_hint(tmp_path):
    path = tmp_path / "bulletin.docx"
    path.write_bytes(bulletin_docx(seed_sections(seed())))
    assert articles(read_path(path)) == list(reference())
    (tmp_path / "cut.docx").write_bytes(path.read_bytes()[:500])
    with pytest.raises(DocumentError) as caught:
        read_path(str(tmp_path / "cut.docx"))
    assert caught.value.code == "corrupt_file"


def _read_or_refuse(data: bytes, name: str) -> None:
    """The contract: a Document with text, or a DocumentError; nothing else."""
    try:
        document = read_document(data, name)
    except DocumentError:
        return
    assert document.kind in ("pdf", "docx", "html", "text") and document.text.strip()


def _sample(name: str) -> bytes:
    article = reference()[2]
    if name == "a.pdf":
        return two_column_pdf([(article.title, article.text.split("\n\n"))], PdfLayout(columns=2, paragraph_gap=0.0, bottom=300.0))
    if name == "a.docx":
        return bulletin_docx(seed_sections(seed())[:2])
    if name == "a.html":
        return article_html(article.title, article.text.split("\n\n"))
    return seed().encode("gbk")


def _mutations(data: bytes, rng: random.Random, count: int):
    for _ in range(count):
        choice = rng.randrange(4)
        if choice == 0:
            yield data[: rng.randrange(len(data))]
        elif choice == 1:
            mutated = bytearray(data)
            for _ in range(rng.randrange(1, 40)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            yield bytes(mutated)
        elif choice == 2:
            start = rng.randrange(len(data))
            yield data[:start] + data[start + rng.randrange(1, 2000) :]
        else:
            start = rng.randrange(len(data))
            yield data[:start] + data[start : start + 500] * 3 + data[start:]


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.html", "a.txt"])
def test_damaged_files_give_text_or_a_document_error(name):
    data = _sample(name)
    rng = random.Random(f"{name} 20240601")
    _read_or_refuse(data, name)
    for mutated in _mutations(data, rng, 40):
        _read_or_refuse(mutated, name)
        _read_or_refuse(mutated, "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    body=st.binary(max_size=3000),
    name=st.sampled_from(["", "a.pdf", "a.docx", "a.html", "a.txt", "a.doc", "noext"]),
)
def test_arbitrary_bytes_give_text_or_a_document_error(prefix, body, name):
    _read_or_refuse(prefix + body, name)
