"""Rules several steps read agree, because they come from one place (service.text.patterns)."""

import pytest

from service.summary.units import is_heading
from service.text.dateline import parse_dateline
from service.text.patterns import NEWS_SOURCES, SECTION_LABELS
from service.text.prepare import find_boilerplate
from service.text.sentences import Sentence


@pytest.mark.parametrize("source", NEWS_SOURCES)
def test_every_news_source_is_both_left_out_of_the_text_and_parsed_as_the_dateline(source):
    text = f"{source}北京2月1日电 园区新签约项目30个，总投资120亿元。"
    spans = find_boilerplate(text)
    assert spans and spans[0].kind == "dateline" and text[spans[0].end :].startswith("园区")
    assert parse_dateline(text) == {"source": source, "place": "北京", "date": "2月1日"}


@pytest.mark.parametrize("label", SECTION_LABELS.split("|"))
def test_every_section_label_is_a_marker_line_and_never_a_summary_sentence(label):
    text = f"{label}\n园区新签约项目30个，总投资120亿元。"
    assert [s.kind for s in find_boilerplate(text)][:1] == ["marker"]
    assert is_heading(Sentence(f"{label}：园区新签约项目30个。", 0, 0))
