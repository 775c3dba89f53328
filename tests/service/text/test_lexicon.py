import pytest

from service.text.lexicon import LEXICON_TAGS, THEMES, LexiconError, default_lexicon, load_lexicon


def test_shipped_lexicon_is_large_and_covers_every_theme():
    lexicon = default_lexicon()
    assert len(lexicon) >= 300
    for theme in THEMES:
        assert len(lexicon.by_theme[theme]) >= 40, theme
    assert len(lexicon.by_theme["general"]) >= 20
    for term, theme in [
        ("招商引资", "investment"),
        ("以商招商", "investment"),
        ("揭榜挂帅", "talent"),
        ("人才公寓", "talent"),
        ("产教融合", "talent"),
        ("技能人才", "talent"),
        ("源网荷储", "energy"),
        ("光伏", "energy"),
        ("储能", "energy"),
        ("高标准农田", "agriculture"),
        ("乡村振兴", "agriculture"),
        ("农产品加工", "agriculture"),
        ("营商环境", "investment"),
    ]:
        assert theme in lexicon.themes_of(term), term
    for term in ("营商环境", "项目落地", "产业链"):
        assert term in lexicon


def test_every_entry_has_known_tags():
    for term, tags in default_lexicon().terms.items():
        assert tags and set(tags) <= set(LEXICON_TAGS), term
        assert term == term.strip() and len(term) >= 2, term


@pytest.mark.parametrize(
    ("content", "lineno", "fragment"),
    [
        ("招商引资\tinvestment\n光伏\tsolar\n", 2, "unknown theme"),
        ("# comment\n招商引资 investment\n", 2, "expected TERM<TAB>THEMES"),
        ("储能\tenergy\n储能\tenergy\n", 2, "duplicate term"),
    ],
)
def test_bad_lexicon_lines_are_reported_with_line_number(tmp_path, content, lineno, fragment):
    path = tmp_path / "terms.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    assert info.value.lineno == lineno and fragment in str(info.value) and str(path) in str(info.value)


def test_missing_lexicon_file(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nope.tsv")
