import pytest

from service.text.lexicon import default_lexicon
from service.text.tokenizer import Tokenizer, cut, tokenize


@pytest.fixture(scope="module", params=["rjieba", "jieba"])
def tokenizer(request):
    return Tokenizer(backend=request.param)


def test_every_lexicon_term_stays_whole(tokenizer):
    broken = [t for t in default_lexicon().terms if tokenizer.cut(f"，{t}。") != ["，", t, "。"]]
    assert broken == []


def test_policy_terms_in_a_sentence(tokenizer):
    words = tokenizer.cut("长治高新区通过产业链招商、揭榜挂帅方式建设人才公寓，推进源网荷储一体化和高标准农田建设")
    for term in ("产业链招商", "揭榜挂帅", "人才公寓", "源网荷储", "高标准农田"):
        assert term in words


def test_cut_keeps_every_character():
    text = "2023年，光伏装机增长12.5%！Solar power"
    assert "".join(cut(text)) == text


def test_tokenize_drops_punctuation_and_function_words_and_masks_numbers():
    tokens = tokenize("今年，该县新建高标准农田3000亩。")
    assert "，" not in tokens and "。" not in tokens and "的" not in tokens
    assert "高标准农田" in tokens and "<num>" in tokens


def test_backends_agree_on_plain_news():
    text = "国家能源局今天发布数据，全国可再生能源装机容量持续增长，风电和光伏发电量再创新高。"
    assert Tokenizer(backend="rjieba").cut(text) == Tokenizer(backend="jieba").cut(text)


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        Tokenizer(backend="nope")
