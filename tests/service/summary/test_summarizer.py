import pytest

from service.analyzer import Analyzer
from service.summary.summarizer import DEFAULT_MAX_CHARS, Summarizer
from service.text.bulletin import split_bulletin


@pytest.fixture(scope="module")
def analyzer(shipped_model):
    return Analyzer(shipped_model)


@pytest.fixture(scope="module")
def seed_articles(seed_text):
    return split_bulletin(seed_text)


# What each seed article's summary must hold, read from the article, at a budget.
SEED_FACTS = [
    (400, ["200多套人才公寓", "31所"]),  # 长治: talent apartments with their numbers and the 31 universities
    (120, ["河南", "招商"]),  # 临猗: the visit to Henan enterprises
    (120, ["吉林", "碳纤维"]),  # 云冈: the carbon-fibre conference trip
    (200, ["光伏产业", "和顺经济技术开发区"]),  # 和顺: the PV industry chain it builds and brings in (its enumerators 一是/首先 left out)
    (120, ["上海电气新能源", "新能源项目"]),  # 朔州: new-energy project docking with 上海电气新能源
    (300, ["招商引资", "投资10亿元的浙江万里扬"]),  # 岚县: investment attraction and its 1-billion-yuan project
    (120, ["合肥", "固废"]),  # 盂县: the study visit to Hefei on bulk solid waste
    (200, ["经济指标"]),  # 武乡: the economic-indicator meeting
]


@pytest.mark.parametrize("index", range(8))
def test_seed_summaries_hold_the_key_facts(analyzer, seed_articles, index):
    budget, facts = SEED_FACTS[index]
    article = seed_articles[index]
    result = analyzer.analyze(article.text, article.title, max_chars=budget)
    for fact in facts:
        assert fact in result["summary"], (article.title, fact, result["summary"])
    assert len(result["summary"]) <= budget
    assert "本日讯" not in result["summary"] and "（" + "张晓敏" not in result["summary"]


def test_slogans_and_thanks_are_left_out(analyzer, seed_articles):
    summary = analyzer.analyze(seed_articles[1].text, max_chars=DEFAULT_MAX_CHARS)["summary"]
    assert "最大的诚意" not in summary


def test_sentences_map_to_input_and_stay_in_order(analyzer, seed_text):
    result = analyzer.analyze(seed_text, max_chars=400)
    sentences = result["sentences"]
    assert result["summary"] == "".join(s["text"] for s in sentences)
    assert [s["start"] for s in sentences] == sorted(s["start"] for s in sentences)
    for s in sentences:
        assert "".join(seed_text[s["start"] : s["end"]].split()) == "".join(s["text"].split())
        assert all(term in s["text"] for term in s["terms"])


def test_keywords_put_policy_terms_first(analyzer, seed_articles):
    keywords = analyzer.analyze(seed_articles[0].text, seed_articles[0].title)["keywords"]
    flags = [bool(k["themes"]) for k in keywords]
    assert flags[0] and flags == sorted(flags, reverse=True)
    assert {"人才公寓", "揭榜挂帅"} <= {k["term"] for k in keywords}


def test_budgets_hold():
    text = "".join(f"第{i}项工作稳步推进，全年完成投资{i * 3}亿元。" for i in range(1, 40))
    summarizer = Summarizer()
    for budget in (30, 60, 120, 200):
        result = summarizer.summarize(text, max_chars=budget)
        assert 0 < len(result.summary) <= budget and not result.over_budget
    assert len(summarizer.summarize(text, max_sentences=2).sentences) == 2


def test_text_within_budget_comes_back_whole():
    text = "该县新建高标准农田5万亩。粮食总产增长3%。"
    result = Summarizer().summarize(text, max_chars=120)
    assert result.summary == text and not result.over_budget


def test_best_sentence_longer_than_budget_is_returned_whole_and_flagged():
    text = "某市今年以来围绕新能源、新材料和高端装备三大产业链开展精准招商，累计签约项目86个，总投资超过420亿元，其中百亿元以上项目3个。"
    result = Summarizer().summarize(text + "会议结束。", max_chars=20)
    assert result.over_budget and result.summary == text


def test_edge_inputs():
    summarizer = Summarizer()
    empty = summarizer.summarize("")
    assert empty.summary == "" and empty.sentences == [] and empty.keywords == []
    single = summarizer.summarize("全省春耕生产全面展开。")
    assert single.summary == "全省春耕生产全面展开。"
    no_punct = summarizer.summarize("没有标点的一段文字" * 40, max_chars=100)
    assert 0 < len(no_punct.summary) <= 100
    english = summarizer.summarize("Solar capacity grew by 20% in 2023. Wind power also rose. Grid investment hit a record.", max_chars=60)
    assert english.summary and len(english.summary) <= 60 and english.summary.endswith(".")
    numbers = summarizer.summarize("2023 2024 2025\n12.5% 13.1%", max_chars=120)
    assert numbers.summary.replace("\n", "") != "" and not numbers.over_budget


def test_one_megabyte_text_is_summarized_within_budget():
    text = "该区引进项目12个，总投资35亿元，带动就业3000人。" * 40000  # about 1 MB of UTF-8
    result = Summarizer().summarize(text, max_chars=120)
    assert 0 < len(result.summary) <= 120
