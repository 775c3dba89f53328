"""Text preparation: normalisation, page-break repair and boilerplate detection.

The functions here never lose the original text: :func:`prepare` returns the
normalised text, :func:`find_boilerplate` where its datelines and bylines lie, and
:class:`service.text.article.Article` puts them together once per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.text.patterns import CJK, CLOSERS, HAN, OUTLETS, SECTION_LABELS, SOURCES, TERMINAL

_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}
_SPACES = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " "}
_ZERO_WIDTH = {0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0x2060: None}
_TRANSLATE = {**_FULLWIDTH_ALNUM, **_SPACES, **_ZERO_WIDTH}
_NEEDS_TRANSLATE = re.compile("[" + "".join(chr(k) for k in sorted(_TRANSLATE)) + "]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # control characters, lone surrogates

# Datelines that open a news item: 本日讯 / 本报讯 / 本报北京1月31日电 / 新华社北京1月31日电 ...
DATELINE = re.compile(
    r"^\s*(?:"
    r"(?:本日|本报|本刊|本台|今日)讯"
    rf"|(?:{SOURCES})[^，。\n]{{0,16}}?(?:\d{{1,2}}月)?\d{{1,2}}日电"
    rf"|[^，。\n]{{2,12}}(?:{OUTLETS})讯"
    rf"|(?:{SOURCES})消息(?:[（(][^）)\n]{{1,12}}[）)])?[：:]?"
    r")"
    r"(?:\s*[（(](?:记者|通讯员|特约记者)[^）)\n]{1,40}[）)])?[\s　：:]*"
)
# A whole line that only marks a section or a page: 核心阅读, 编者按, （下转第二版）, photo captions.
MARKER_LINE = re.compile(
    rf"^\s*(?:{SECTION_LABELS}|数据来源[:：].*|本版责编[:：].*|本版制图[:：].*"
    r"|[（(](?:上接|下转|转载自)[^）)]{1,12}[）)]|图[为①②③④⑤⑥⑦⑧⑨⑩\d][^\n]{0,120}|[■□◆●▲]+)\s*$"
)
# A reporter byline in brackets: （记者杜一菲） （张晓敏） （记者 王浩 通讯员 李明）
BRACKET_BYLINE = re.compile(
    rf"[（(](?:完|终|全文完|(?:记者|通讯员|特约记者|实习生|作者|文/|图/)[^（()）\n]{{1,40}}|[{CJK}]{{2,4}}(?:[ 、　][{CJK}]{{2,4}}){{0,3}})[）)]\s*$"
)
# A bare name after the last sentence: "……发展动力。 李志江"
BARE_NAME = re.compile(rf"(?<=[。！？…])[”’」』]?(?P<name>[ 　]*(?:记者[ 　]*)?[{CJK}]{{2,3}}(?:[ 、　][{CJK}]{{2,3}}){{0,2}})\s*$")
# Reporting formulas at the start of a sentence: 记者从…获悉 / 据…报道 are kept (they carry facts).


@dataclass(frozen=True)
class Span:
    """A character range of boilerplate in a prepared text."""

    start: int
    end: int
    kind: str  # "dateline" | "byline" | "marker"


HTML_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.S)
BLOCK_TAG = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]*>", re.I)


def strip_html(text: str) -> str:
    """Text without HTML tags (block ends become line breaks); only deletes, so offsets still map."""
    if "<" not in text:
        return text
    text = BLOCK_TAG.sub(lambda m: "\n" + " " * (len(m.group()) - 1), text)
    return HTML_TAG.sub("", text)


def has_chinese(text: str) -> bool:
    """True when the text holds at least one Chinese character."""
    return HAN.search(text) is not None


_traditional: frozenset[str] | None = None


def to_simplified(text: str) -> str:
    """Traditional Chinese converted to simplified, when the text has characters only traditional
    writing uses. Six that simplified news uses too (覆 衹 祇 阪 藉 彷) do not count on their own:
    they set off the slow conversion on one simplified story in thirteen, and it only changed
    phrases such as 答覆, 回覆 or 藉此."""
    global _traditional
    from zhconv import convert

    if _traditional is None:  # traditional-only characters that conversion changes on their own: 覆, 藉, 阪 are left out
        from zhconv import zhconv

        zhconv.loaddict()
        _traditional = frozenset(c for c in zhconv.zhcdicts["TRADONLY"] if len(c) == 1 and convert(c, "zh-cn") != c)
    if _traditional.isdisjoint(text):  # a set lookup per character: five times a character-class regex
        return text
    return convert(text, "zh-cn")


def normalize(text: str) -> str:
    """Half-width digits and Latin letters, clean whitespace, HTML tags removed, Chinese punctuation kept."""
    text = strip_html(text.replace("\r\n", "\n").replace("\r", "\n"))
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    text = _CONTROL.sub("", text)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_SPACE_RUN = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CLAUSE_MARK = re.compile("[，。；]")
_GOES_ON = re.compile(rf"[{CJK}0-9A-Za-z“‘《（(、，]")  # a last character after which a sentence goes on
_CONTINUES = re.compile(rf"[{CJK}0-9A-Za-z%.，、。；：”’）)》]")  # a first character that continues a sentence


def _is_body_fragment(line: str) -> bool:
    """A paragraph cut short by a page break: body text that stops mid-sentence."""
    if len(line) < 8 or not _CLAUSE_MARK.search(line):
        return False
    if line[-1] in TERMINAL + CLOSERS + "：:" or _byline(line):
        return False
    return bool(_GOES_ON.match(line[-1]))


def _is_continuation(line: str) -> bool:
    if not line or DATELINE.match(line):
        return False
    return bool(_CONTINUES.match(line[0]))


def repair_page_breaks(text: str) -> str:
    """Join words and sentences split across blank lines by page breaks.

    ``“产\\n\\n业链招商”`` becomes ``“产业链招商”``; real paragraph breaks (after
    a sentence end, a title or a byline) stay.
    """
    paragraphs = _PARAGRAPH_BREAK.split(text)
    out: list[str] = []
    for para in paragraphs:
        if out and _is_body_fragment(out[-1].rsplit("\n", 1)[-1]) and _is_continuation(para.lstrip()):
            out[-1] = out[-1] + para.lstrip()
        else:
            out.append(para)
    return "\n\n".join(out)


def find_boilerplate(text: str) -> list[Span]:
    """Datelines and bylines in ``text``, each paragraph checked at its start and end."""
    spans: list[Span] = []
    pos = 0
    for para in text.split("\n"):
        if para.strip() and MARKER_LINE.match(para):
            spans.append(Span(pos, pos + len(para), "marker"))
            pos += len(para) + 1
            continue
        head = DATELINE.match(para)
        if head and head.end() > 0:
            spans.append(Span(pos, pos + head.end(), "dateline"))
        tail = _byline(para)
        if tail and (not head or tail[0] >= head.end()):
            spans.append(Span(pos + tail[0], pos + tail[1], "byline"))
        pos += len(para) + 1
    return spans


def _byline(para: str) -> tuple[int, int] | None:
    bracket = BRACKET_BYLINE.search(para)
    if bracket:
        return bracket.start(), bracket.end()
    bare = BARE_NAME.search(para)
    if bare:
        return bare.start("name"), bare.end()
    return None


def prepare(text: str) -> str:
    """Normalised, repaired text: what the models and the summarizer read."""
    return repair_page_breaks(normalize(text))


_WHITESPACE = re.compile(r"\s")
_ALIGN_TABLE = {**{k: (v if isinstance(v, str) else chr(v)) for k, v in _FULLWIDTH_ALNUM.items()}}


def _align_form(text: str) -> str:
    """``text`` mapped one to one: full-width to half-width, every whitespace to a space."""
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_ALIGN_TABLE)
    return _WHITESPACE.sub(" ", text)


def align(original: str, prepared: str) -> list[int]:
    """Offsets into ``original`` of each character of ``prepare(original)``.

    Preparation only maps characters one to one (full-width to half-width, odd
    spaces to spaces) and deletes others (whitespace, control characters, page
    breaks, HTML tags), so ``prepared`` is a subsequence of ``original`` up to that
    mapping, but for the line breaks that HTML block tags stand for.
    Matching runs are found with slice comparisons, so long texts align quickly.
    """
    src, dst = _align_form(original), _align_form(prepared)
    out: list[int] = []
    i = j = 0
    n, m = len(dst), len(src)
    while i < n:
        found = src.find(dst[i], j)
        if dst[i] == " " and (found < 0 or 0 <= src.find(dst[i + 1 : i + 2] or " ", j) < found):
            out.append(min(j, m - 1))  # a line break an HTML block tag (</p>, <br>) stands for: no character of its own
            i += 1
            continue
        if found < 0:  # cannot happen for prepare(original); stay within bounds anyway
            out.extend([m - 1] * (n - i))
            break
        j = found
        step = 1  # exponential then binary search for the length of the common run
        while i + step <= n and j + step <= m and src[j : j + step] == dst[i : i + step]:
            step *= 2
        low, high = step // 2, min(step, n - i, m - j)
        while low < high:
            mid = (low + high + 1) // 2
            if src[j : j + mid] == dst[i : i + mid]:
                low = mid
            else:
                high = mid - 1
        out.extend(range(j, j + low))
        i, j = i + low, j + low
    return out
