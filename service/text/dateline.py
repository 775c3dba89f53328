"""The dateline that opens a news item, parsed: who filed it, from where, on what date.

``新华社北京2月1日电`` -> ``{"source": "新华社", "place": "北京", "date": "2月1日"}``;
``本报北京1月31日电 （记者杜一菲）`` -> ``{"source": "本报", "place": "北京", "date": "1月31日"}``;
``本日讯`` -> ``{"source": None, "place": None, "date": "本日"}``; ``本报讯`` -> source 本报, no
place or date. Parts are returned as written (no calendar conversion). Summaries skip
the dateline as text (it is boilerplate) and return it as data beside the summary.
"""

from __future__ import annotations

import re

from service.text.patterns import OUTLETS, SOURCES
from service.text.prepare import prepare

_DATE = r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日"
_OUTLET = rf"[^\s，。：:（(\d]{{2,12}}?(?:{OUTLETS})"
FILED = re.compile(
    rf"^\s*(?P<source>{SOURCES}|{_OUTLET})\s*(?P<place>[^\s，。：:（(\d]{{0,16}}?)\s*(?P<date>{_DATE})\s*电"
)
NEWS_OF = re.compile(
    rf"^\s*(?P<source>本日|今日|本刊|本台|{SOURCES}|{_OUTLET})\s*(?P<kind>讯|消息)"
)


def parse_dateline(text: str, *, prepared: bool = False) -> dict | None:
    """``{"source", "place", "date"}`` of the dateline opening ``text`` (first 80 characters), or None.

    A part the dateline does not state is None. ``prepared=True`` when ``text`` has been
    through :func:`service.text.prepare.prepare` already.
    """
    head = text[:200]
    if not prepared:
        head = prepare(head)
    head = head[:80]
    m = FILED.match(head)
    if m:
        return {"source": m["source"], "place": m["place"] or None, "date": m["date"]}
    m = NEWS_OF.match(head)
    if m:
        source = m["source"]
        if source in ("本日", "今日"):
            return {"source": None, "place": None, "date": source}
        return {"source": source, "place": None, "date": None}
    return None
