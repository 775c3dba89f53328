"""Units a reader accepts in a summary: whole sentences, never headings, labels or cut pieces.

A *heading* is a line, label or list line that does not end as a sentence does: a
sub-heading, 核心阅读 / 编者按, a numbered section head (一、 / （一） / 第一部分), a list
of organisers, a byline; also a piece that ends in ， 、 or ： (an introduction to a list
or a piece of a cut sentence). Headings are never selected (a text made of nothing
else falls back to its lines). A *back-reference* opens by pointing back (他们, 这, 该,
此外, 为此...): it is selected only when the sentence before it already is, or when it opens
the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.text.patterns import CLOSERS, FACT, NUMBER_WITH_UNIT, PHRASE, SECTION_LABELS, SLOGAN, TERMINAL
from service.text.sentences import Sentence

SENTENCE_END = TERMINAL + "."  # a Latin full stop ends a unit too
LABEL = re.compile(
    rf"^(?:{SECTION_LABELS}|链接|背景|小贴士|主办单位|承办单位|协办单位|支持单位|指导单位|主办|承办|协办)"
    r"|^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+(?:部分|章|节|篇)|[①②③④⑤⑥⑦⑧⑨⑩])"
    r"|^[（(][\u4e00-\u9fff]{2,4}(?:[ 、　][\u4e00-\u9fff]{2,4}){0,3}[）)]"
)


BACK_REF = re.compile(
    r"^(?:他们|她们|它们|他|她|它|这些|这种|这个|这里|这次|这项|这批|这是|这也|这一|这样|这|那些|那|该|此外|此次|此前|此|为此|对此|因此|所以|同时|与此同时|其中|其|另外|另一方面|而且|并且|而|但是|但|不过|然而|随后|之后|此后|上述|以上|由此|可见|对于这|于是|就此"
    r"|就这样|尤其是|尤其|特别是|更重要的是|再加上|还有|第二次|第一次和|大家|以往|由于|另据|据此)"
    # someone "also said" (伊朗还称……): the first thing said is in an earlier sentence
    r"|^[\u4e00-\u9fff]{1,10}(?:还|也|另)(?:称|表示|说|指出|强调|透露)"
)
# A reference inside the sentence to something said before it (乌克兰方面未承认这一说法).
INNER_REF = re.compile(r"这一(?:说法|消息|做法|情况|数字|举措|指控|表态)|这件事|这一切|上述|此举|对此|^和[^，。]{1,12}一样")
# First-person speech inside a sentence (……，我代表党中央……) whose speaker is named before it.
INNER_SPEECH = re.compile(r"[，,：:](?:我们|我(?![国省市区县镇乡村州盟旗校院所厂]))")


def ends_as_sentence(text: str) -> bool:
    """True when ``text`` ends with an end mark (a closing quote or bracket may follow it)."""
    core = text.rstrip(CLOSERS + " ")
    if not core:
        return False
    if core[-1] in SENTENCE_END:
        return True
    return text[-1] in CLOSERS and len(text) > 30 and core[-1] not in "，,、：:"  # “……”: a long quoted sentence


def is_heading(sentence: Sentence) -> bool:
    """A heading, label, list line or cut piece: never a summary sentence."""
    text = sentence.text
    if not ends_as_sentence(text):
        return True
    match = LABEL.match(text)
    if match is None:
        return False
    # A numbered point that is a full sentence (一、加强组织领导，完善……。) stays a sentence when long.
    return len(text) <= 40 or match.group().startswith(("核心阅读", "编者按", "（", "("))


def glued_heading(sentence: Sentence, text: str) -> bool:
    """True when page-break repair ran a short line with no end mark (a sub-heading such as
    以情引才，把“打工者”请回来) into the next paragraph: the unit holds a heading, so it is left out."""
    original = text[sentence.start : sentence.end]
    if "\n" not in original:
        return False
    head = original.split("\n", 1)[0].strip()
    return 0 < len(head) <= 30 and head.rstrip(CLOSERS)[-1:] not in SENTENCE_END


# Unattributed speech: a directive (要……) or a first-person sentence (我们……) whose speaker is
# named in the sentence before it.
SPEECH = re.compile(r"^[“「‘]?(?:要(?![素求点件闻害道地])|我们|我(?![国省市区县镇乡村州盟旗校院所厂])|咱们|希望(?!工程|小学)|必须)")
ATTRIBUTED = re.compile(r"(?:说|表示|指出|强调|介绍|认为|要求|提出|坦言)(?:[，,：:。]|$)")


QUOTE_THEN_SPEAKER = re.compile(r"[”」][^。！？“”]{0,14}(?:说|表示|指出|强调|介绍)")


def needs_antecedent(text: str) -> bool:
    """True when a sentence opens by pointing back to something said before it (他们, 这, 为此 ...),
    or is speech whose speaker the sentence before it names (要……, 我们……, “……” with no 说)."""
    stripped = text.lstrip("“「‘ ")
    if BACK_REF.match(stripped) is not None or INNER_REF.search(text) is not None:
        return True
    if (SPEECH.match(text) or INNER_SPEECH.search(text)) and not ATTRIBUTED.search(text):
        return True
    return text.startswith(("“", "「")) and not ATTRIBUTED.search(text) and not QUOTE_THEN_SPEAKER.search(text)


SHORT_OPENING = 40  # an opening sentence this long says more than the set phrase it holds
APHORISM_CHARS = 20  # a shorter sentence with no count or amount, after the opening, is a saying or mood


def is_filler(text: str, *, opening: bool = False) -> bool:
    """A slogan or set phrase with no number in it (岁月无声，光阴有痕; 一方有难，八方支援 ...), or,
    after the opening, a short saying or mood line with no count or amount (使命无比光荣，征途星辰大海),
    or one clause of a list (it ends in ；, its lead-in and the other items elsewhere).

    The article's ``opening`` sentence is filler only when short: a lead that holds a set
    phrase (西藏……共同谱写雪域高原高质量发展新篇章) is what the article is about.
    """
    if text.rstrip().endswith(("；", ";")):
        return True
    if opening and len(text) >= SHORT_OPENING:
        return False
    if not opening and len(text) < APHORISM_CHARS and NUMBER_WITH_UNIT.search(text) is None:
        return True  # 教育大计，教师为本。 使命无比光荣，征途星辰大海。 5月的莫斯科，天高云阔。
    return PHRASE.search(text) is not None and NUMBER_WITH_UNIT.search(text) is None



@dataclass(frozen=True)
class Reading:
    """What the reading rules say of each unit of an article, read once for the hand-weighted score,
    the learned salience and the selection alike."""

    facts: list[int]  # numbers with a unit, and dates (FACT), up to 4
    slogan: list[bool]  # holds a slogan (SLOGAN)
    filler: list[bool]  # never fills a summary (is_filler; the first unit is the opening)
    back_reference: list[bool]  # points back to the unit before it (needs_antecedent; never the first)


def read_units(texts: list[str]) -> Reading:
    """:class:`Reading` of an article's units, in text order."""
    return Reading(
        [min(len(FACT.findall(t)), 4) for t in texts],
        [SLOGAN.search(t) is not None for t in texts],
        [is_filler(t, opening=i == 0) for i, t in enumerate(texts)],
        [i > 0 and needs_antecedent(t) for i, t in enumerate(texts)],
    )
