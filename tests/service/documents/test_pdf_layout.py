"""The layout rules on hand-placed lines (no PDF, no font): page numbers, running headers, columns, joins."""

from __future__ import annotations

import pytest

from service.documents.pdf_layout import PAGE_NUMBER, Line, clean_line, drop_running_lines, paragraphs, reading_order, to_text

SIZE = 10.0
PITCH = 16.0
LEFT, RIGHT = 50.0, 550.0


def line(text: str, row: int, *, page: int = 0, x0: float = LEFT, x1: float | None = None, size: float = SIZE, top: float = 80.0) -> Line:
    """A line on ``row`` of a page, full width unless ``x1`` says where it stops."""
    y = top + row * PITCH
    return Line(text, x0, RIGHT if x1 is None else x1, y, y + size, size, page)


@pytest.mark.parametrize("text", ["2", "- 2 -", "— 12 —", "第2页", "第 2 页", "第二页", "2/5", "2 / 5", "第2页 共5页", "Page 3", "·3·"])
def test_bare_page_numbers(text):
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["2023年10月", "第2版 要闻", "一是聚焦考核指标", "10月11日", "（2）"])
def test_text_that_is_no_page_number(text):
    assert not PAGE_NUMBER.match(text)


def test_running_header_and_footer_dropped_body_kept():
    first = ["据了解，长治高新区精准对接企业需求。", "一方面，长治高新区成立了合作中心。", "另一方面，设立人才发展基金会。"]
    pages = []
    for n in range(3):
        pages.append(
            [
                line(f"开发区要闻 2024年第{n + 7}期", 0, page=n, x1=200, top=40),
                line(first[n], 2, page=n, x1=300),
                line("一行在每页都一样但在中间的正文。", 20, page=n, x1=300),
                line(f"这是写满一整行的正文最后一行，只有数字不同：全年产值{n + 90}亿元，同比增长{n + 5}%。", 42, page=n),
                line("山西省开发区协会 编印", 45, page=n, x1=200),
                line(str(n + 1), 46, page=n, x0=290, x1=300),
            ]
        )
    kept = drop_running_lines(pages, [842.0] * 3)
    assert [[item.text for item in page] for page in kept] == [
        [first[n], "一行在每页都一样但在中间的正文。", f"这是写满一整行的正文最后一行，只有数字不同：全年产值{n + 90}亿元，同比增长{n + 5}%。"]
        for n in range(3)
    ]


def test_one_page_keeps_its_first_line_but_not_its_page_number():
    page = [line("开发区要闻", 0, x1=150), line("正文。", 2, x1=150), line("- 1 -", 44, x0=290, x1=310)]
    assert [item.text for item in drop_running_lines([page], [842.0])[0]] == ["开发区要闻", "正文。"]


def test_letter_spaced_chinese_is_closed_up_but_word_spaces_stay():
    assert clean_line(" 产 业 引 才 平 台 育 才 ") == "产业引才平台育才"
    assert clean_line("产业引才 平台育才 环境留才") == "产业引才 平台育才 环境留才"
    assert clean_line("\u3000\u3000本日讯 近日") == "本日讯 近日"


def test_two_columns_read_one_after_the_other_under_a_spanning_headline():
    mid = (LEFT + RIGHT) / 2
    title = line("跨栏标题", 0, x1=RIGHT)
    left = [Line(f"左栏第{i}行", LEFT, mid - 10, 120 + i * PITCH, 130 + i * PITCH, SIZE) for i in range(6)]
    right = [Line(f"右栏第{i}行", mid + 10, RIGHT, 120 + i * PITCH, 130 + i * PITCH, SIZE) for i in range(5)]
    interleaved = [title] + [item for pair in zip(left, right) for item in pair] + left[5:]
    order = [item.text for item in reading_order(interleaved)]
    assert order == ["跨栏标题"] + [f"左栏第{i}行" for i in range(6)] + [f"右栏第{i}行" for i in range(5)]


def test_single_column_with_short_lines_is_not_split_into_columns():
    lines = [line("很长的一行正文，从左边一直写到右边。" * 2, i) for i in range(6)] + [line("短行。", 6, x1=120), line("- 1 -", 9, x0=290, x1=310)]
    assert [item.text for item in reading_order(lines)] == [item.text for item in lines]


def _text(lines: list[Line]) -> str:
    return to_text(paragraphs(lines))


def test_lines_of_a_paragraph_join_without_space_and_a_short_line_ends_it():
    lines = [
        line("据介绍，长治高新区通过“产", 0),
        line("业链招商”等方式招募企业。", 1, x1=300),
        line("2022年，引进项目20多个，投产产值超", 2),
        line("200亿元。", 3, x1=120),
    ]
    assert _text(lines) == "据介绍，长治高新区通过“产业链招商”等方式招募企业。\n2022年，引进项目20多个，投产产值超200亿元。"


def test_full_line_ending_a_sentence_joins_unless_the_next_is_indented_or_spaced():
    solid = [line("第一句说完了。", 0), line("第二句接着写，还在同一段。", 1, x1=300)]
    indented = [line("第一句说完了。", 0), line("第二段缩进两字开始。", 1, x0=LEFT + 2 * SIZE, x1=300)]
    spaced = [line("第一句说完了。", 0), Line("第二段前面有段距。", LEFT, 300, 80 + 2.6 * PITCH, 90 + 2.6 * PITCH, SIZE)]
    more = [line(f"第{i}行正文内容，写满一整行。", i + 3) for i in range(4)]  # sets the usual line pitch
    assert _text(solid) == "第一句说完了。第二句接着写，还在同一段。"
    assert _text(indented) == "第一句说完了。\n第二段缩进两字开始。"
    assert _text(spaced + more).startswith("第一句说完了。\n第二段前面有段距。")


def test_headline_after_a_sentence_dateline_and_font_size_start_paragraphs():
    lines = [
        line("开发区召开项目推进会", 0, size=14.0, x1=250),
        line("本日讯 近日，开发区召开项目推进会，部署工作。", 1),
        line("会议强调要抓好落实，确保完成全年目标任务。", 2),
        line("朔州经济开发区召开对接会", 3, x1=260),
        line("本日讯 10月11日，朔州经济开发区召开对接会。", 4, x1=400),
    ]
    assert _text(lines) == (
        "开发区召开项目推进会\n本日讯 近日，开发区召开项目推进会，部署工作。会议强调要抓好落实，确保完成全年目标任务。\n"
        "朔州经济开发区召开对接会\n本日讯 10月11日，朔州经济开发区召开对接会。"
    )


def test_a_number_pushed_to_the_next_line_does_not_end_the_paragraph():
    lines = [line("项目总投资达到人民币", 0, x1=RIGHT - 3 * SIZE), line("1500000000元，当年开工。", 1, x1=300)]
    assert _text(lines) == "项目总投资达到人民币1500000000元，当年开工。"


def test_latin_lines_join_with_a_space_numbers_close_up():
    lines = [line("The zone signed contracts with", 0, x1=RIGHT - 4 * SIZE), line("three firms, worth 0.", 1), line("7 billion yuan.", 2, x1=200)]
    assert _text(lines) == "The zone signed contracts with three firms, worth 0.7 billion yuan."
