"""Units a reader accepts (no headings, no cut sentences, back-references only with what they
point to, no filler) and the dateline returned as data."""

import pytest

from service.analyzer import Analyzer
from service.summary.summarizer import Summarizer
from service.text.dateline import parse_dateline

LONG = "会议强调，" + "，".join(f"要在第{i}个方面持续用力、久久为功、务求实效" for i in range(1, 12)) + "。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新华社北京2月1日电 国务院总理主持召开会议。", {"source": "新华社", "place": "北京", "date": "2月1日"}),
        ("本报北京1月31日电 （记者杜一菲）国家主席会见外宾。", {"source": "本报", "place": "北京", "date": "1月31日"}),
        ("本日讯 3月12日，经开区赴深圳招商。", {"source": None, "place": None, "date": "本日"}),
        ("今天（7月12日），国家统计局发布公告。", None),
        ("", None),
    ],
)
def test_dateline_parsing(text, expected):
    assert parse_dateline(text) == expected


def test_dateline_is_returned_beside_the_summary(shipped_model):
    result = Analyzer(shipped_model).analyze("新华社北京2月1日电 国务院印发《关于加快发展新能源的意见》。意见提出到2030年装机达到12亿千瓦。")
    assert result["dateline"] == {"source": "新华社", "place": "北京", "date": "2月1日"}
    assert "新华社" not in result["summary"]


def test_headings_are_never_selected_or_glued():
    text = (
        "核心阅读\n某县把在外务工的技术骨干请回家乡，带出一批本土技工。\n\n"
        "以情引才，把“打工者”请回来\n\n"
        "县里建立在外务工人员信息库，摸排出技术骨干近600人。\n"
        "一、强化组织领导\n"
        "今年全县新增技能人才1200名，其中高级工300名。"
    )
    for budget in (30, 60, 120):
        summary = Summarizer().summarize(text, max_chars=budget)
        for s in summary.sentences:
            assert s.text[-1] in "。！？；…", s.text
            assert not s.text.startswith(("核心阅读", "以情引才", "一、"))


def test_no_fragment_ending_in_a_comma_is_ever_selected():
    text = "某市召开大会。" + LONG + "全市签约项目86个，总投资420亿元。"
    for budget in (20, 60, 120, 200, 400):
        for s in Summarizer().summarize(text, max_chars=budget).sentences:
            assert s.text[-1] not in "，、,：:", (budget, s.text)
    whole = Summarizer().summarize(text, max_chars=len(LONG))  # the long sentence stays whole, never cut
    assert LONG in [s.text for s in whole.sentences] or all(s.text != LONG[:40] for s in whole.sentences)


def test_back_reference_enters_only_with_its_antecedent():
    text = (
        "某县举行招商推介会，来自长三角的30家企业参加。"
        "会上还播放了宣传片。"
        "该县今年新签约项目45个，总投资210亿元，同比增长35%，投资额创历史新高。"
        "这些项目投产后将新增就业岗位8000个。"
    )
    summarizer = Summarizer()
    for budget in (30, 60, 90, 120):
        summary = summarizer.summarize(text, max_chars=budget)
        texts = [s.text for s in summary.sentences]
        for i, s in enumerate(texts):
            if s.startswith("这些项目"):
                assert i > 0 and texts[i - 1].startswith("该县今年"), texts


@pytest.mark.parametrize("budget", [20, 60, 120, 200, 333])
def test_every_budget_contract(budget):
    text = "".join(f"第{i}项工作稳步推进，全年完成投资{i * 3}亿元。" for i in range(1, 40))
    result = Summarizer().summarize(text, max_chars=budget)
    assert 0 < len(result.summary) <= budget and not result.over_budget
    for n in (1, 2, 3):
        assert len(Summarizer().summarize(text, max_sentences=n).sentences) == n


def test_unattributed_speech_waits_for_its_speaker_but_our_city_leads():
    from service.summary.units import needs_antecedent

    assert needs_antecedent("要千方百计搜救被困人员。") and needs_antecedent("“外防输入，马虎不得。”")
    assert not needs_antecedent("“今年要干好三件事。”县长说。") and not needs_antecedent("我市今年引进高层次人才3000名。")
    text = "我市今年引进高层次人才3000名，新建人才公寓1200套。全市举办招聘会46场，提供岗位2.1万个。要进一步优化人才服务。"
    assert Summarizer().summarize(text, max_chars=30).summary.startswith("我市今年引进")


def test_a_back_reference_with_nothing_before_it_and_filler_are_never_chosen():
    text = "岁月无声，光阴有痕，一方有难，八方支援。这是全县干部群众共同的心声。县里新建安置房1200套，3600名群众已搬入新居。"
    for budget in (25, 40, 50):  # the whole text (58 characters) is over each budget
        texts = [s.text for s in Summarizer().summarize(text, max_chars=budget).sentences]
        assert texts == ["县里新建安置房1200套，3600名群众已搬入新居。"], texts


def test_an_opening_that_points_ahead_and_a_lead_holding_a_set_phrase_are_summaries():
    portrait = (
        "他，十几年如一日守护着亚洲象，被人亲切地称为“象爸爸”，他就是全国五一劳动奖章获得者、救护中心兽医师熊朝永。"
        "一大早，熊朝永和同事们一起给亚洲象“龙龙”进行体检。"
        "去年在野外被发现时，它连站立起来都费劲。"
    )
    assert Summarizer().summarize(portrait, max_chars=70).summary.startswith("他，十几年如一日")
    lead = "西藏不断铸牢中华民族共同体意识，把改善民生作为出发点和落脚点，各族干部群众团结奋斗，共同谱写雪域高原高质量发展新篇章。"
    text = lead + "岁月无声，光阴有痕。拉萨八廓街有100多个居民大院，生活着20多个民族的居民。"
    texts = [s.text for s in Summarizer().summarize(text, max_chars=95).sentences]  # the text is 99
    assert texts[0] == lead and "岁月无声，光阴有痕。" not in texts, texts


def test_sayings_moods_and_sentences_leaning_on_an_earlier_one_never_fill_a_summary():
    from service.summary.units import is_filler, needs_antecedent

    for saying in ("理念的力量，要靠行动来彰显。", "使命无比光荣，征途星辰大海。", "5月的莫斯科，天高云阔。", "临近春节，处处洋溢着喜庆气氛。"):
        assert is_filler(saying), saying
    assert not is_filler("全县新建人才公寓1200套。") and not is_filler("一年之计在于春。", opening=True)
    for leaning in ("伊朗还称发射导弹打击美军航空母舰。", "乌克兰政府方面未承认这一说法。", "尤其是企业资产负债率有所下降。", "就这样，工程应运而生。",
                    "马年新春佳节即将来临，我代表党中央来看望大家。"):
        assert needs_antecedent(leaning), leaning
    assert not needs_antecedent("国家统计局今天发布的数据显示，我国工业企业利润增长。") and not needs_antecedent("李强说，我们要稳住外贸。")
    text = (
        "国务院总理李强30日下午在博鳌同出席年会的中外企业家代表座谈，听取意见建议。"
        "李强表示，广大企业与中国发展是一个双向奔赴、相互成就的过程。"
        "会议现场气氛热烈，与会企业家踊跃发言，先后有12位企业家代表作了交流发言，涉及投资、贸易、科技合作等议题。"
        "投资中国就是选择了更好的未来。"
    )
    texts = [s.text for s in Summarizer().summarize(text, max_chars=100).sentences]
    assert "投资中国就是选择了更好的未来。" not in texts and texts[0].startswith("国务院总理李强"), texts


def test_dateline_on_every_surface(shipped_model, tmp_path):
    import json

    from service.api.app import create_app

    text = "新华社北京2月1日电 国务院印发《关于加快发展新能源的意见》。意见提出，到2030年风电和太阳能发电总装机容量达到12亿千瓦以上。"
    article = {"text": text, "max_chars": 60}
    client = create_app({"TESTING": True}).test_client()
    for path in ("/v1/analyze", "/v1/summarize"):
        body = client.post(path, json=article).get_json()
        assert body["dateline"] == {"source": "新华社", "place": "北京", "date": "2月1日"}, path
    assert client.post("/v1/analyze", json={"text": "某县新建高标准农田5万亩。"}).get_json()["dateline"] is None
    from service.batch.runner import BatchOptions, run_batch

    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": article["text"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    run_batch([str(source)], BatchOptions(output=str(tmp_path / "out.jsonl")))
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["dateline"]["date"] == "2月1日"
