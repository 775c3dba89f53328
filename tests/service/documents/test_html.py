"""Saved web pages made here: a GBK news page with page furniture, a whole bulletin on one page, odd charsets."""

from __future__ import annotations

import pytest

from service.documents import DocumentError, articles, read_document
from service.documents.html_reader import decode_html
from service.text.bulletin import Article
from tests.service.documents.make_files import HEADER, analysis, article_html, bulletin_html, reference

FURNITURE = ("首页", "开发区动态", "分享到", "微信", "网友", "评论", "统计代码", "版权所有", "color")


def _page(n: int = 1, charset: str = "gbk") -> bytes:
    article = reference()[n]
    return article_html(article.title, article.text.split("\n\n"), charset=charset)


def test_gbk_news_page_gives_the_seed_article_without_furniture(shipped_model):
    data = _page()
    assert b'charset="gbk"' in data and "本日讯".encode("gbk") in data
    document = read_document(data, "news.html")
    assert document.kind == "html" and document.title == reference()[1].title
    assert not [word for word in FURNITURE if word in document.text]
    found = articles(document)
    assert found == [reference()[1]]
    assert analysis(shipped_model, found) == analysis(shipped_model, [reference()[1]])


def test_bulletin_page_splits_into_its_articles(shipped_model):
    data = bulletin_html([(a.title, a.text.split("\n\n")) for a in reference()])
    document = read_document(data, "bulletin.htm")
    assert document.title == HEADER
    found = articles(document)
    assert found == list(reference())
    assert analysis(shipped_model, found) == analysis(shipped_model, list(reference()))


def test_bulletin_page_items_without_bylines_split_at_their_headings():
    sections = [
        ("甲区光伏电站并网", ["电站装机10万千瓦，年发电量1.2亿千瓦时，可满足十万户家庭用电。"]),
        ("乙县召开春耕动员会", ["会议要求抓好春播，确保粮食播种面积稳定在百万亩以上。"]),
    ]
    found = articles(read_document(bulletin_html(sections), "items.html"))
    assert found == [Article(title, body[0]) for title, body in sections]


def test_page_without_a_headline_in_its_text_takes_the_page_title():
    body = "".join(f"<p>{p}</p>" for p in reference()[2].text.split("\n\n"))
    page = f"<html><head><title>{reference()[2].title}</title></head><body><div>{body}</div></body></html>"
    found = articles(read_document(page.encode("utf-8"), "page.html"))
    assert found == [reference()[2]]


def test_short_notice_trafilatura_passes_over_is_still_read():
    page = "<html><head><title>停电通知</title></head><body><nav>首页 | 通知</nav><p>明天上午九点至十二点，开发区东区停电。</p></body></html>"
    document = read_document(page.encode("gbk"), "notice.html")
    assert document.text == "明天上午九点至十二点，开发区东区停电。" and document.title == "停电通知"


@pytest.mark.parametrize(
    "head, encoding",
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk"),  # only the old http-equiv form
        ("<meta charset=utf-8>", "gbk"),  # a stale label: the bytes are GBK
        ('<meta charset="gbk">', "utf-8"),  # a stale label: the bytes are UTF-8
        ("", "gbk"),  # no label at all
        ('<meta charset="iso-8859-1">', "gbk"),  # a wrong Western default
        ('<meta charset="big5">', "big5"),
        ('<meta charset="utf-16">', "utf-8"),  # a UTF-16 label on an ASCII-readable page means UTF-8 (WHATWG)
    ],
)
def test_charset_from_the_page_else_sniffed(head, encoding):
    text = "開發區召開項目推進會，部署四季度重點工作。" if encoding == "big5" else "开发区召开项目推进会，部署四季度重点工作。"
    page = f"<html><head>{head}<title>{text[:6]}</title></head><body><p>{text}</p></body></html>"
    assert text in decode_html(page.encode(encoding))


def test_page_saved_before_its_script_filled_it_is_empty():
    shell = b'<!DOCTYPE html><html><head><title>App</title><script src="/app.js"></script></head><body><div id="app"></div><!-- rendered --></body></html>'
    with pytest.raises(DocumentError) as caught:
        read_document(shell, "x.html")
    assert caught.value.code == "empty_document"


@pytest.mark.parametrize("head", ['<meta charset="gbk">', ""])
def test_a_stray_byte_does_not_lose_the_page(head):
    text = "开发区召开项目推进会，部署四季度重点工作。"
    page = f"<html><head>{head}</head><body><p>{text}</p><p>第二段。</p></body></html>".encode("gbk")
    broken = page.replace("第二段".encode("gbk"), b"\xff" + "第二段".encode("gbk"))
    decoded = decode_html(broken)
    assert text in decoded and decoded.count("\ufffd") == 1


ITEMS = [
    (
        "朔州经济开发区召开新能源项目对接会",
        [
            "10月11日，朔州经济开发区与上海电气新能源发展有限公司围绕新能源项目开发举行对接会，就项目落地的相关要素保障等进行对接交流。",
            "郭志强表示，园区全方位布局源网荷储一体化，希望双方加强沟通，推动新能源项目落地开发。",
        ],
    ),
    (
        "临猗示范区赴河南开展上门招商",
        [
            "近日，临猗现代农业产业示范区党工委委员张红斌带队赴河南开展上门招商活动，先后走访了多家食品加工企业。",
            "双方就农产品深加工项目合作进行了深入交流，达成初步合作意向。",
        ],
    ),
]


@pytest.mark.parametrize(
    ("wrapper", "headline"),
    [
        ("<div class='article'>{}</div>", "<h2>{}</h2>"),
        ("<article>{}</article>", "<h2>{}</h2>"),
        ("<div>{}</div>", "<h3>{}</h3>"),
        ("<section>{}</section>", "<h1>{}</h1>"),
        ("<div class='news'>{}</div>", "<p class='headline'>{}</p>"),
        ("<li>{}</li>", "<div class='news-title'>{}</div>"),
    ],
)
def test_a_page_of_several_articles_splits_at_its_headlines_wherever_they_sit(wrapper, headline):
    items = "".join(wrapper.format(headline.format(title) + "".join(f"<p>{p}</p>" for p in body)) for title, body in ITEMS)
    furniture = "<div class='nav'>首页 新闻 要闻</div>", "<div class='footer'>版权所有</div>"
    page = f"<html><head><meta charset='gbk'><title>开发区要闻</title></head><body>{furniture[0]}{items}{furniture[1]}</body></html>"
    found = articles(read_document(page.encode("gbk"), "news.html"))
    assert [a.title for a in found] == [title for title, _ in ITEMS]
    assert [a.text.replace("\n", "") for a in found] == ["".join(body) for _, body in ITEMS]
