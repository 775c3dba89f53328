"""An article prepared once: one cut into words, offsets into the text as sent, simplified for rules."""

import pytest

from service.text.article import Article
from service.text.sentences import split_sentences
from service.text.tokenizer import Tokenizer, tokenize

STORY = (
    "新华社北京3月2日电 （记者 王浩）　今年以来，某某经济开发区新签约项目３０个，总投资１２０亿元。\n\n"
    "园区围绕新能源汽车产业链招商引资，引进配套企业12家。“我们要把服务做到企业心坎上。”园区负责人说。\n\n"
    "下一步，开发区将建设人才公寓800套，吸引高校毕业生来园区就业创业。"
)


class CountingTokenizer(Tokenizer):
    """The default dictionary, counting every cut."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def cut(self, text: str) -> list[str]:
        self.texts.append(text)
        return super().cut(text)


def test_the_classifier_and_the_summary_read_one_cut_of_the_article(shipped_model):
    from service.analyzer import Analyzer

    tokenizer = CountingTokenizer()
    article = Article(STORY, "某某开发区一季度签约30个项目", tokenizer=tokenizer)
    analyzer = Analyzer(shipped_model)
    prediction = shipped_model.predict([article])[0]
    summary = analyzer.summarizer.summarize(article, themes=prediction.themes, max_chars=60)
    assert prediction.theme == "investment" and summary.summary
    assert len(tokenizer.texts) == 2  # the text once, the title once: nothing prepares or cuts them again


def test_each_sentence_gets_the_words_cutting_it_alone_would_give():
    article = Article(STORY)
    assert [s.text for s in article.sentences] == [s.text for s in split_sentences(STORY, split_long=False) if not s.boilerplate]
    assert article.sentence_words == [tokenize(s.text) for s in article.sentences]


def test_sentence_offsets_point_into_the_text_as_sent_through_entities_and_full_width_digits():
    text = "<p>园区投资&amp;建设项目达５亿元。</p><p>&#12300;链长制&#12301;让企业办事更快&#12290;</p><p>版权&copy2024</p>"
    article = Article(text)
    first, second, third = article.sentences
    assert first.text == "园区投资&建设项目达5亿元。"
    assert text[first.start : first.end] == "园区投资&amp;建设项目达５亿元。"
    assert second.text == "「链长制」让企业办事更快。"
    assert text[second.start : second.end] == "&#12300;链长制&#12301;让企业办事更快&#12290;"  # an entity at either end is taken whole
    assert third.text == "版权©2024"  # read as html.unescape reads it, the semicolon left out


@pytest.mark.parametrize("title", [None, "", "  "])
def test_an_article_without_a_title_has_an_empty_title_line(title):
    view = Article("园区新签约项目30个。", title).model_view
    assert view.text.startswith("\n") and view.head == view.body


def test_traditional_text_is_read_in_simplified_characters_and_shown_as_written(shipped_model):
    from service.analyzer import Analyzer

    text = "今年以來，本市招商引資成效明顯，新簽約項目30個，總投資120億元。開發區還將建設人才公寓800套。"
    result = Analyzer(shipped_model).analyze(text, max_chars=40)
    first = result["sentences"][0]
    assert "招商引资" in first["terms"]  # the lexicon's simplified term is found in traditional writing
    assert "招商引資" in first["text"] and "招商引資" in result["summary"]  # and the summary quotes the text as written
    assert text[first["start"] : first["end"]] == first["text"]
