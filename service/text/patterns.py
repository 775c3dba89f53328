"""The text rules more than one step reads, each written once: marks that end a sentence, the
news sources that file a dateline, section labels, slogans and set phrases, numbers with units.

Preparation (:mod:`service.text.prepare`), sentences, datelines, bulletins, PDF layout, summary
units and salience all take their rules from here; a rule that only one step reads stays in
that step's module.
"""

from __future__ import annotations

import re

CJK = "\u4e00-\u9fff\u3400-\u4dbf"  # Chinese characters (the unified block and extension A)
HAN = re.compile(f"[{CJK}]")

# Marks that end a sentence; the ellipsis … ends one too when doubled (……).
SENTENCE_ENDS = "。！？；!?;"
ELLIPSIS = "…"
TERMINAL = SENTENCE_ENDS + ELLIPSIS  # what ends a sentence or a paragraph in Chinese news
CLOSERS = "”’」』）)》】"  # a closing quote or bracket after an end mark belongs to the sentence
OPENERS = {"“": "”", "「": "」", "『": "』", "（": "）", "(": ")"}

# Who files a news item: 新华社北京2月1日电, 央视网消息, 本报讯, 某某日报讯 ...
NEWS_SOURCES = ("本报", "新华社", "中新社", "中新网", "人民网", "央视网", "新华网", "光明网", "中国新闻网", "央广网", "国际在线", "中国日报网")
SOURCES = "|".join(sorted(NEWS_SOURCES, key=len, reverse=True))
OUTLETS = "日报|晚报|报社|新闻网|电视台|融媒体中心"  # a local outlet: 某某日报, 某某融媒体中心

# Labels that mark a section of a page rather than news (核心阅读, 编者按 ...).
SECTION_LABELS = "核心阅读|编者按|记者手记|记者观察|延伸阅读|相关链接|短评|图片报道"


def _alternatives(*words: str) -> str:
    return "|".join(words)


# Slogans score a sentence down; set phrases (the slogans among them) make a sentence with no
# number filler. Each word is written once.
_BOTH = (
    "最大的?诚意", "保驾护航", "店小二", "栽下梧桐树", "非常感谢", "衷心感谢", "表示感谢", "热烈欢迎", "互利共赢", "不忘初心", "牢记使命",
    "再鼓干劲", "撸起袖子", "描绘出", "新篇章", "新高潮", "添砖加瓦",
)  # fmt: skip
SLOGAN = re.compile(_alternatives("最优质?的?服务", "最好的环境", "奋力", "新答卷", *_BOTH))
PHRASE = re.compile(
    _alternatives(
        "岁月无声", "光阴有痕", "一方有难", "八方支援", "历史的车轮", "滚滚向前", "掌声", "来看记者的?[\u4e00-\u9fff]{0,4}调研",
        "来看(?:记者|本台)?(?:的)?报道", "请看报道", "一起来看", "让我们", "殷殷嘱托", "化作强大动力", "不信拉近镜头",
        "砥砺前行", "扬帆起航", "乘风破浪", "踔厉奋发", "勇毅前行", "笃行不怠", "风雨兼程", "春华秋实", "蓄势待发", "未来可期", "号角",
        "谱写", "画卷", "绘就", "奏响", "凯歌", "答卷", "筑巢引凤", "天下英才", "金山银山", "绿水青山", "奋进新时代", "新的更大",
        "无愧于", "不负韶华", "只争朝夕", "久久为功", "一张蓝图绘到底", "同心圆", "正当其时", "恰逢其时", "时不我待", *_BOTH,
    )
)  # fmt: skip

# Numbers with units. A fact counts measures and dates; a count or amount is what keeps a short
# sentence from being a saying. Longer units first, so that 千瓦时 is not read as 千瓦.
_UNITS = ("元", "美元", "吨", "千瓦时", "千瓦", "亩", "公顷", "套", "个", "家", "名", "人次", "人", "项", "座", "台", "辆", "公里", "户", "所", "倍", "%", "％")
_NUMBER = r"\d[\d.,]*\s*(?:多|余|几)?"
FACT = re.compile(
    rf"{_NUMBER}(?:万|亿|千)?(?:{_alternatives(*_UNITS[:-3], '瓦', '条', '米', '平方米', '场', '批', '次', *_UNITS[-3:])})"
    r"|\d{1,2}月\d{1,2}日|\d{4}年"
)
NUMBER_WITH_UNIT = re.compile(rf"{_NUMBER}(?:万|亿|千|百)?(?:{_alternatives(*_UNITS, '件', '岗位')})")
MONEY = re.compile(r"\d[\d.,]*\s*(?:多|余)?(?:万|亿)?(?:元|美元)")
SHARE = re.compile(r"\d[\d.,]*\s*(?:%|％|个百分点)")
