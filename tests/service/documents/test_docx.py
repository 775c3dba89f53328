"""Word files made here with python-docx: the seed with heading styles, outlines, tables, broken packages."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.documents import DocumentError, articles, read_document
from service.text.bulletin import Article
from tests.service.documents.make_files import HEADER, analysis, bulletin_docx, reference, seed, seed_sections


def test_seed_docx_gives_the_seed_articles_and_analysis(shipped_model):
    document = read_document(bulletin_docx(seed_sections(seed())), "bulletin.docx")
    assert document.kind == "docx"
    assert document.title == reference()[0].title  # the first heading run
    found = articles(document)
    assert found == list(reference())
    assert analysis(shipped_model, found) == analysis(shipped_model, list(reference()))


def test_headings_are_blank_line_separated_title_lines_in_the_text():
    text = read_document(bulletin_docx(seed_sections(seed())), "bulletin.docx").text
    assert text.startswith("产业引才 平台育才 环境留才\n——长治高新区打造“智力引擎”纪略\n产业引才、平台育才")
    assert "（张晓敏）\n\n云冈经济技术开发区 学习对标先进谋提升\n本日讯" in text
    assert "\n产业引才做实产教融合文章\n" in text  # a sub-heading stays a line of its article


def test_bulletin_title_style_above_article_headings():
    document = read_document(bulletin_docx(seed_sections(seed()), doc_title=HEADER), "bulletin.docx")
    assert document.title == HEADER
    assert articles(document) == list(reference())


def test_wps_heading_style_names():
    data = bulletin_docx(seed_sections(seed()), heading_style="标题 1", subheading_style="标题 2")
    assert articles(read_document(data, "wps.docx")) == list(reference())


def test_headings_split_items_that_have_no_dateline_or_byline():
    sections = [(["甲区光伏电站并网"], ["电站装机10万千瓦，年发电量1.2亿千瓦时。"]), (["乙县召开春耕动员会"], ["会议要求抓好春播，确保粮食面积稳定。"])]
    document = read_document(bulletin_docx(sections, subheading_style=None), "items.docx")
    assert articles(document) == [Article("甲区光伏电站并网", sections[0][1][0]), Article("乙县召开春耕动员会", sections[1][1][0])]


def test_single_story_keeps_its_sub_headings_inside():
    body = [
        "人才是第一资源，长治高新区以产业聚人才。",
        "产业引才做实产教融合文章",
        "长治高新区找准人才工作与产业发展的契合点。",
        "平台育才创新人才合作机制",
        "逐步探索形成了产学研用人才合作新格局。",
    ]
    found = articles(read_document(bulletin_docx([(["长治高新区打造智力引擎"], body)]), "story.docx"))
    assert found == [Article("长治高新区打造智力引擎", "\n\n".join(body))]


def test_table_cells_and_line_breaks_are_read():
    import docx

    document = docx.Document()
    document.add_paragraph("开发区重点项目进展", style="Heading 1")
    paragraph = document.add_paragraph("本日讯 近日，开发区通报重点项目进展。")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行在同一段落里。")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "项目", (0, 1): "进度", (1, 0): "光伏电站", (1, 1): "已并网"}.items():
        table.cell(row, col).text = text
    out = io.BytesIO()
    document.save(out)
    text = read_document(out.getvalue(), "table.docx").text
    assert text.split("\n") == ["开发区重点项目进展", "本日讯 近日，开发区通报重点项目进展。", "第二行在同一段落里。", "项目", "进度", "光伏电站", "已并网"]


def _rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    target.writestr(item, replace[item.filename])
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda good: bytes(range(256)) * 16, "corrupt_file"),  # garbage named .docx
        (lambda good: good[: len(good) // 2], "corrupt_file"),  # cut short
        (lambda good: _rezip(good, {"word/document.xml": b"<w:document><w:body><w:p>"}), "corrupt_file"),  # broken XML
        (lambda good: _rezip(good, {"word/document.xml": None}), "corrupt_file"),  # main part missing, still named in the package
        (lambda good: b"", "empty_document"),
    ],
)
def test_broken_word_files(make, code):
    good = bulletin_docx([(["标题"], ["正文。"])])
    with pytest.raises(DocumentError) as caught:
        read_document(make(good), "bulletin.docx")
    assert caught.value.code == code


def test_zip_that_is_no_word_file_is_unsupported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocumentError) as caught:
        read_document(out.getvalue(), "bulletin.docx")
    assert caught.value.code == "unsupported_type" and "Excel" in caught.value.message


def test_word_file_without_text_is_empty():
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with pytest.raises(DocumentError) as caught:
        read_document(out.getvalue(), "blank.docx")
    assert caught.value.code == "empty_document"
