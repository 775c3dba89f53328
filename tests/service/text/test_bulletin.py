from service.text.bulletin import split_bulletin
from tests.conftest import SEED_LABELS


def test_seed_splits_into_its_eight_articles(seed_text):
    articles = split_bulletin(seed_text)
    assert len(articles) == 8
    for article, (title_start, _, _) in zip(articles, SEED_LABELS, strict=False):
        assert article.title.startswith(title_start)
    assert articles[0].title == "产业引才 平台育才 环境留才 ——长治高新区打造“智力引擎”纪略"
    assert articles[4].title == "朔州经济开发区 召开新能源项目对接会"


def test_seed_article_bodies_are_whole(seed_text):
    articles = split_bulletin(seed_text)
    first = articles[0].text
    assert first.startswith("产业引才、平台育才、生态留才")
    assert "产业引才做实产教融合文章" in first  # sub-headings stay inside their article
    assert first.endswith("李志江")
    assert articles[1].text.startswith("本日讯 近日，临猗") and articles[1].text.endswith("（张晓敏）")
    assert "通过“产业链招商" in first  # page-break damage repaired
    assert all(a.text for a in articles)


def test_two_line_title_and_quoted_blank_lines():
    bulletin = (
        "甲县经济开发区\n\n举办秋季人才招聘会\n\n"
        "本日讯 10月8日，甲县经济开发区举办招聘会。\n\n“我们今年需要200名技工。”一家企业负责人说。\n\n"
        "招聘会共提供岗位1200个。（王明）\n\n"
        "乙市高新区 签约三个新材料项目\n\n"
        "本日讯 近日，乙市高新区集中签约3个项目，总投资18亿元。（李华）"
    )
    articles = split_bulletin(bulletin)
    assert [a.title for a in articles] == ["甲县经济开发区 举办秋季人才招聘会", "乙市高新区 签约三个新材料项目"]
    assert "“我们今年需要200名技工。”" in articles[0].text
    assert articles[0].text.endswith("（王明）")


def test_items_without_datelines_split_after_bylines():
    bulletin = "丙县召开春耕动员会\n\n会议要求抓好春播。（赵一）\n\n丁区光伏电站并网\n\n电站装机10万千瓦。（钱二）"
    assert [a.title for a in split_bulletin(bulletin)] == ["丙县召开春耕动员会", "丁区光伏电站并网"]


def test_plain_article_is_one_article():
    text = "今天（3月5日），全国春耕生产全面展开。各地抢抓农时，做好备耕。"
    articles = split_bulletin(text)
    assert len(articles) == 1 and articles[0].text == text and articles[0].title == ""
