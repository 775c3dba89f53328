import re

from service.text.sentences import MAX_SENTENCE, split_sentences


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_offsets_map_back_to_the_input_as_given(seed_text):
    sentences = split_sentences(seed_text)
    assert len(sentences) > 100
    for s in sentences:
        assert squeeze(seed_text[s.start : s.end]) == squeeze(s.text)
    starts = [s.start for s in sentences]
    assert starts == sorted(starts)


def test_offsets_survive_fullwidth_crlf_and_invisible_characters():
    text = "２０２３年，该区引进项目１２个。\r\n\r\n总投资\u200b３５亿元！"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["2023年，该区引进项目12个。", "总投资35亿元！"]
    assert text[sentences[1].start : sentences[1].end] == "总投资\u200b３５亿元！"


def test_page_break_inside_a_sentence_is_one_sentence(seed_text):
    broken = next(s for s in split_sentences(seed_text) if "人才链招商" in s.text)
    assert broken.text.startswith("据介绍，长治高新区通过“产业链招商")
    assert "\n" in seed_text[broken.start : broken.end]


def test_end_marks_and_closing_quotes():
    text = "会议强调要抓招商；要抓项目！真的吗？“我们有信心。”他说。全年目标……”"
    assert [s.text for s in split_sentences(text)] == ["会议强调要抓招商；", "要抓项目！", "真的吗？", "“我们有信心。”他说。", "全年目标……”"]


def test_quoted_speech_and_brackets_stay_whole():
    text = "他说：“今年引进人才200名。明年还要更多。”（记者手记：数据来自该区。）会后签约。"
    assert [s.text for s in split_sentences(text)] == ["他说：“今年引进人才200名。明年还要更多。”", "（记者手记：数据来自该区。）", "会后签约。"]


def test_numbered_points_split_long_sentences():
    points = "，".join(f"{n}是{'加强组织领导完善工作机制' * 3}" for n in "一二三四五")
    text = f"会议要求{points}。"
    sentences = split_sentences(text)
    assert len(sentences) >= 3
    assert all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert sentences[1].text.startswith(("二是", "三是"))


def test_text_without_punctuation_splits_by_line_then_length():
    lines = split_sentences("第一行没有标点\n第二行也没有")
    assert [s.text for s in lines] == ["第一行没有标点", "第二行也没有"]
    long = split_sentences("无标点" * 200)
    assert len(long) > 1 and all(len(s.text) <= MAX_SENTENCE for s in long)
    assert "".join(s.text for s in long) == "无标点" * 200


def test_datelines_and_bylines_are_marked_boilerplate():
    text = "本报北京1月31日电 （记者杜一菲）国家能源局发布数据。全年发电量增长。（张三）"
    sentences = split_sentences(text)
    assert [(s.text, s.boilerplate) for s in sentences] == [
        ("本报北京1月31日电 （记者杜一菲）", True),
        ("国家能源局发布数据。", False),
        ("全年发电量增长。", False),
        ("（张三）", True),
    ]


def test_empty_and_whitespace():
    assert split_sentences("") == [] and split_sentences(" \n\n ") == []
