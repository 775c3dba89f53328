from service.text.article import Article
from service.text.prepare import find_boilerplate, normalize, prepare, repair_page_breaks


def test_normalize_fullwidth_digits_and_letters_keep_chinese_punctuation():
    assert normalize("２０２３年ＧＤＰ增长５．２％，“好”！") == "2023年GDP增长5．2％，“好”！"


def test_normalize_whitespace_and_invisible_characters():
    text = "  第一段\u3000内容\u200b  \r\n\r\n\r\n\r\n第二段\t\t内容\x07 "
    assert normalize(text) == "第一段 内容\n\n第二段 内容"


def test_seed_page_break_damage_is_repaired(seed_text):
    text = prepare(seed_text)
    for joined in ("通过“产业链招商、人才链招商”", "招商引资任务全面完成", "全力营造一流营商环境", "强化督导考核", "总投资额15.2亿元", "深入探讨，并表示"):
        assert joined in text, joined
    assert "“产\n" not in text and "任务全\n" not in text


def test_real_paragraph_breaks_and_titles_stay(seed_text):
    text = prepare(seed_text)
    assert "产业引才 平台育才 环境留才\n\n——长治高新区打造“智力引擎”纪略\n\n" in text
    assert "产业引才做实产教融合文章\n\n人才是第一资源" in text
    assert "（张晓敏）\n\n云冈经济技术开发区 学习对标先进谋提升\n\n本日讯" in text


def test_sentence_end_then_blank_line_is_not_joined():
    text = "第一段说完了项目建设情况。\n\n第二段讲人才。"
    assert repair_page_breaks(text) == text


def test_short_title_without_punctuation_is_not_joined_to_body():
    text = "开发区召开人才工作会议\n\n会议指出，要把人才放在首位。"
    assert repair_page_breaks(text) == text


def test_datelines_and_bylines_found():
    text = "本报北京1月31日电 （记者杜一菲）国家能源局今天发布数据。全年发电量增长。\n本日讯 近日，某区召开会议。（张晓敏）\n为长治汇聚强劲发展动力。 李志江"
    kinds = [(s.kind, text[s.start : s.end].strip()) for s in find_boilerplate(text)]
    assert ("dateline", "本报北京1月31日电 （记者杜一菲）") in kinds
    assert ("dateline", "本日讯") in kinds
    assert ("byline", "（张晓敏）") in kinds
    assert ("byline", "李志江") in kinds


def test_strip_boilerplate_keeps_the_news():
    text = "新华社南宁6月2日电 广西今年新建高标准农田200万亩。（记者 王浩 李明）"
    assert Article(text).clean == "广西今年新建高标准农田200万亩。"


def test_brackets_inside_a_sentence_are_not_bylines():
    text = "该县引进（含在建）项目12个，总投资（含外资）30亿元。"
    assert find_boilerplate(text) == []


def test_clean_removes_boilerplate_from_seed_article(seed_text):
    cleaned = Article(seed_text).clean
    assert "本日讯" not in cleaned and "（张晓敏）" not in cleaned
    assert "（记者" not in cleaned
    assert "李志江" not in cleaned
    # the original is untouched
    assert "本日讯" in seed_text
