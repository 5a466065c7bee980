"""Reading a government work report (政府工作报告) into proposals for a draft plan.

Pure and rule-based: text in, dataclasses out; no database, no network, no model. The same text
always gives the same proposals. Staff review every proposal before anything is saved
(tracking/drafting/report_drafts.py); the rules below are meant to find the figures, not to be right
about every name.

How a report is read:

- Top-level parts are lines such as "一、2021年工作回顾" and "二、2022年工作安排". The part whose
  heading says 回顾/总结/成绩 is the look back; figures found there are previous-year results.
  The part whose heading says 安排/任务/目标/计划/部署 is the plan.
- In the plan, the sentence that says "…目标是：" (工作目标是, 主要预期目标是) holds the main
  targets, one per clause ("地区生产总值增长7%"). Lines starting "（一）" … "（十）" open the task
  areas; every sentence of an area with a figure gives one target per figure, every sentence
  without one gives a qualitative task (milestone).
- A figure is a number (1.4, 1,820, or Chinese numerals: 两, 十, 二十五) followed by a unit
  (家, 亩, 万亩, 亿元, 人次, %, …), optionally with 约/近 before it (about) or 余/多 between it
  and the unit, or 以上/多 after (more than). A growth ("同比增长10.6%") belongs to the figure
  before it in the same sentence. A rank ("排名全县第四", "第二名") is a figure in 名.
- Not figures: anything in quotation marks or 《》 (slogans and names: “1+3+6”, “三清三拆三整治”),
  years (2021年), ordinals (第四届, 第二轮), codes after a Latin letter (Y622), a lone 一 before
  a measure word (一支队伍 is "a team", not a count) and Chinese numerals before 年 (三年行动 is a
  campaign's name).
- The kind of a target figure: growth after 增长/下降; quota after 每月/每季度; level for a
  percentage or after 至/到/保持/稳定在/控制在/不低于; otherwise an amount to reach.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from tracking.rules.choices import Direction, Kind, Period, Qualifier
from tracking.rules.units import tidy

# Full-width digits and signs as reports typed on Chinese input methods write them. Only these
# are folded: NFKC would also turn （一） into (一) and “” into "".
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％＋，", "0123456789.%+,")

_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CHINESE_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千"

# Measure words a figure may carry, longest first where one begins another (个百分点 before 个).
MEASURE_WORDS = [
    "个百分点",
    "个月",
    "平方公里",
    "平方米",
    "立方米",
    "立方",
    "公里",
    "千米",
    "公顷",
    "公斤",
    "人次",
    "元",
    "亩",
    "米",
    "吨",
    "家",
    "户",
    "人",
    "名",
    "个",
    "条",
    "座",
    "处",
    "件",
    "宗",
    "起",
    "场",
    "份",
    "次",
    "辆",
    "支",
    "篇",
    "项",
    "所",
    "间",
    "套",
    "台",
    "栋",
    "艘",
    "头",
    "只",
    "株",
    "棵",
    "盏",
    "批",
    "岁",
    "年",
    "天",
    "%",
]
_UNIT = "(?:万|亿|千)?(?:" + "|".join(re.escape(word) for word in MEASURE_WORDS) + ")"
_FIGURE = re.compile(
    rf"(?P<about>约|近)?(?P<number>\d+(?:,\d{{3}})*(?:\.\d+)?|[{CHINESE_NUMERAL}]+)"
    rf"(?P<more>余|多)?(?P<unit>{_UNIT})(?P<above>以上|多)?"
)
_RANK = re.compile(
    rf"(?:(?:排名|位居|位列|名列|居)(?:全[县市省区镇])?第(?P<a>[{CHINESE_NUMERAL}\d]+)名?"
    rf"|第(?P<b>[{CHINESE_NUMERAL}\d]+)名)"
)
_ZERO = re.compile(r"“零[\u4e00-\u9fff]{1,3}”")
_GROWTH_BEFORE = re.compile(r"(同比)?(增长|增加|增|下降|减少)(了)?$")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|\"[^\"]*\"")
_PART_HEADING = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")
_AREA_HEADING = re.compile(r"^([（(][一二三四五六七八九十]+[）)])\s*(.+)$")
_REVIEW_WORDS = ("回顾", "总结", "成绩")
_PLAN_WORDS = ("安排", "任务", "目标", "计划", "部署", "思路")
_MAIN_TARGETS = re.compile(r"(?:主要预期目标|主要目标|工作目标|预期目标)(?:是|为)[：:]?")
_LEVEL_BEFORE = re.compile(r"(至|到|保持|保持在|稳定在|控制在|不低于)$")
_DECREASE_BEFORE = re.compile(r"(控制在|不超过|不高于|下降|减少)$")
_QUOTA_PERIODS = (("每季度", Period.QUARTER), ("每季", Period.QUARTER), ("每月", Period.MONTH))
_REPORT_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(\d{4})年")
# The town in the meeting line: "在港门镇第十八届人民代表大会".
_MEETING_PLACE = re.compile(r"在(\S{2,12}?(?:镇|乡|街道|县|区|市))第")
# Words that open a clause without naming what is counted ("全年累计发放宣传资料…").
_LEADING_WORDS = re.compile(
    r"^(其中|全镇|全年|全县|今年|年内|计划|累计|共|完成|实现|确保|并|和|及)+"
)
_TRAILING_WORDS = re.compile(
    r"(达到|分别达到|达|共|约|近|累计|确保|将目前|目前|将|稳定在|控制在|保持在)+$"
)
_SENTENCE_END = re.compile(r"(?<=[。；！？])")
_CLAUSE_SEPARATORS = "，、；：,"
# Conversion residue some .docx-to-text tools leave in the text.
_ARTIFACTS = re.compile(r"\[bookmark:[^\]]*\]")


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit: str
    qualifier: str = Qualifier.EXACT
    start: int = 0
    end: int = 0
    text: str = ""


@dataclass
class ResultProposal:
    """A result of the year under review, as PreviousYearResult wants it."""

    section: str
    name: str
    value: Decimal
    measure_unit: str
    source_text: str
    qualifier: str = Qualifier.EXACT
    growth_pct: Decimal | None = None


@dataclass
class TargetProposal:
    """A target of the plan year, as Target wants it (kind is a Target.Kind value)."""

    area: int
    name: str
    kind: str
    source_text: str
    measure_unit: str = ""
    target_value: Decimal | None = None
    target_growth_pct: Decimal | None = None
    quota_period: str = ""
    direction: str = Direction.INCREASE
    baseline_value: Decimal | None = None


@dataclass
class AreaProposal:
    position: int
    numeral: str
    title: str


@dataclass
class ReportProposal:
    year: int | None = None
    review_year: int | None = None
    report_date: datetime.date | None = None
    title: str = ""
    source: str = ""
    areas: list = field(default_factory=list)
    results: list = field(default_factory=list)
    targets: list = field(default_factory=list)

    def figures(self):
        """Every figure proposed, as (what, value, unit, kind) — what the measurement compares."""
        return [_result_key(r) for r in self.results] + [
            _target_key(t) for t in self.targets if t.kind != Kind.MILESTONE
        ]


def _result_key(result):
    return ("result", result.value, result.measure_unit, result.qualifier, result.growth_pct)


def _target_key(target):
    if target.kind == Kind.GROWTH:
        return ("target", target.target_growth_pct, "%", Kind.GROWTH)
    return ("target", target.target_value, target.measure_unit, target.kind)


# Numbers -----------------------------------------------------------------------------------


def chinese_number(text):
    """An integer written in Chinese numerals: 两 → 2, 十 → 10, 二十五 → 25, 一百零五 → 105.

    Digit by digit when there is no 十/百/千 (二〇二二 → 2022). ValueError if it is not one."""
    if not text or any(
        char not in _CHINESE_DIGITS and char not in _CHINESE_MULTIPLIERS for char in text
    ):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(char in _CHINESE_MULTIPLIERS for char in text):
        return int("".join(str(_CHINESE_DIGITS[char]) for char in text))
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _CHINESE_MULTIPLIERS[char]
            digit = None
    return total + (digit or 0)


def parse_number(text):
    """A number as written in a report: 1.4, 1,820, 两, 十; Decimal."""
    if text[0].isdigit():
        return tidy(Decimal(text.replace(",", "")))
    return Decimal(chinese_number(text))


def find_figures(sentence):
    """The figures of one sentence, in order, with what the module docstring excludes left out."""
    sentence = sentence.translate(_FULL_WIDTH)
    quoted = [match.span() for match in _QUOTED.finditer(sentence)]

    def in_quotes(position):
        return any(start <= position < end for start, end in quoted)

    figures = []
    taken = []
    for match in _RANK.finditer(sentence):
        if in_quotes(match.start()):
            continue
        number = match["a"] or match["b"]
        figures.append(
            Figure(parse_number(number), "名", "", match.start(), match.end(), match.group())
        )
        taken.append(match.span())
    for match in _FIGURE.finditer(sentence):
        start = match.start("number")
        if in_quotes(start) or any(a <= start < b for a, b in taken):
            continue
        if not _is_a_count(sentence, match):
            continue
        qualifier = Qualifier.EXACT
        if match["about"]:
            qualifier = Qualifier.ABOUT
        elif match["more"] or match["above"]:
            qualifier = Qualifier.MORE_THAN
        figures.append(
            Figure(
                parse_number(match["number"]),
                match["unit"],
                qualifier,
                match.start(),
                match.end(),
                match.group(),
            )
        )
    for match in _ZERO.finditer(sentence):
        figures.append(Figure(Decimal(0), "", "", match.start(), match.end(), match.group()))
    return sorted(figures, key=lambda figure: figure.start)


def _is_a_count(sentence, match):
    number, unit = match["number"], match["unit"]
    before = sentence[: match.start("number")]
    if before.endswith("第") or (before and (before[-1].isascii() and before[-1].isalnum())):
        return False
    if number[0].isdigit():
        # A year, not a count of years: 2021年, 2021年度.
        return not (unit == "年" and len(number) == 4 and 1900 <= int(number) <= 2100)
    if unit.endswith("年"):
        return False
    if number == "一":
        return False
    # A Chinese numeral inside a longer word (统一, 唯一…) is not a number.
    return not (before and before[-1] in CHINESE_NUMERAL)


# The report's shape ------------------------------------------------------------------------


def clean_text(text):
    """The report as lines of text: artifacts of conversion removed, blank lines dropped."""
    text = _ARTIFACTS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.strip() for line in text.split("\n") if line.strip()]


def sentences(paragraph):
    """A paragraph cut after 。；！？, the punctuation kept off the sentence."""
    pieces = (piece.strip().rstrip("。；！？，, ") for piece in _SENTENCE_END.split(paragraph))
    return [piece for piece in pieces if piece]


def parse_report(text):
    """Every proposal the rules find in a report's text (see the module docstring)."""
    lines = clean_text(text)
    proposal = ReportProposal()
    _read_header(lines, proposal)
    review_heading, review, plan = _split_parts(lines)
    proposal.results = _results(review, review_heading)
    areas, proposal.targets = _plan_targets(plan, proposal.results)
    proposal.areas = areas
    if proposal.review_year is None and proposal.year:
        proposal.review_year = proposal.year - 1
    if proposal.year is None and proposal.review_year:
        proposal.year = proposal.review_year + 1
    place = _MEETING_PLACE.search(proposal.source)
    if proposal.year and proposal.title in ("", "政府工作报告") and place:
        proposal.title = f"{place[1]}{proposal.year}年政府工作报告"
    elif proposal.year and not proposal.title:
        proposal.title = f"{proposal.year}年政府工作报告"
    return proposal


def _read_header(lines, proposal):
    """Title, date, meeting and speaker: the lines before the first part's heading."""
    header = []
    for line in lines:
        if _PART_HEADING.match(line) or line.startswith("各位代表"):
            break
        header.append(line)
    for line in lines:
        match = _PART_HEADING.match(line)
        if not match:
            continue
        year = _YEAR.search(match[2])
        if year and any(word in match[2] for word in _REVIEW_WORDS):
            proposal.review_year = int(year[1])
        elif year and any(word in match[2] for word in _PLAN_WORDS):
            proposal.year = int(year[1])
    date = _REPORT_DATE.search("".join(header))
    if date:
        try:
            proposal.report_date = datetime.date(int(date[1]), int(date[2]), int(date[3]))
        except ValueError:
            proposal.report_date = None
    if proposal.year is None and proposal.report_date:
        proposal.year = proposal.report_date.year
    if header:
        proposal.title = header[0][:200]
        proposal.source = "".join(line.lstrip("—- ") for line in header[1:])


def _split_parts(lines):
    """(review heading, review lines, plan lines) by the top-level headings; without headings,
    all is plan."""
    review_heading, review, plan, current = "", [], [], None
    for line in lines:
        match = _PART_HEADING.match(line)
        if match:
            heading = match[2]
            if any(word in heading for word in _REVIEW_WORDS):
                review_heading, current = heading, review
            elif any(word in heading for word in _PLAN_WORDS):
                current = plan
            else:
                current = None
            continue
        if current is not None:
            current.append(line)
        elif not review and not plan and _AREA_HEADING.match(line):
            current = plan
            plan.append(line)
    return review_heading, review, plan


def _results(lines, heading):
    """Figures of the look back, each under the short lead sentence of its paragraph
    ("基础设施持续完善。") or, before the first such sentence, under the part's heading."""
    results = []
    section = heading
    for paragraph in lines:
        paragraph_sentences = sentences(paragraph)
        if not paragraph_sentences:
            continue
        first = paragraph_sentences[0]
        if len(first) <= 16 and not find_figures(first):
            section = first
        for sentence in paragraph_sentences:
            results.extend(_sentence_results(sentence, section))
    return results


def _sentence_results(sentence, section):
    results = []
    folded = sentence.translate(_FULL_WIDTH)
    figures = find_figures(sentence)
    for figure in figures:
        growth = _growth_of(folded, figure)
        if growth is not None and results and results[-1].growth_pct is None:
            results[-1].growth_pct = growth
            continue
        results.append(
            ResultProposal(
                section=section[:64],
                name=_name_of(folded, figure, figures)[:200],
                value=figure.value,
                measure_unit=figure.unit,
                qualifier=figure.qualifier,
                source_text=sentence,
            )
        )
    return results


def _growth_of(sentence, figure):
    """The growth a percentage states ("同比增长10.6%" → 10.6, "下降3%" → -3), else None."""
    if figure.unit != "%":
        return None
    words = _GROWTH_BEFORE.search(sentence[: figure.start])
    if not words:
        return None
    return -figure.value if words[2] in ("下降", "减少") else figure.value


def _clause_around(sentence, figure):
    start = max(sentence.rfind(sep, 0, figure.start) for sep in _CLAUSE_SEPARATORS) + 1
    ends = [sentence.find(sep, figure.end) for sep in _CLAUSE_SEPARATORS]
    end = min([e for e in ends if e != -1], default=len(sentence))
    return start, end


def _name_of(sentence, figure, figures):
    """What a figure counts: the words before it in its clause (other figures taken out), or
    else the words after it up to the next number."""
    start, end = _clause_around(sentence, figure)
    before = sentence[start : figure.start]
    for other in reversed([f for f in figures if start <= f.start and f.end <= figure.start]):
        before = before[: other.start - start] + before[other.end - start :]
    before = _strip_words(before)
    if len(before) > 1:  # a lone 为/对/向 names nothing: "为64户贫困户" counts 贫困户
        return before
    after = _strip_words(_QUOTED.sub("", sentence[figure.end : end]))
    after = re.split(rf"\d|[{CHINESE_NUMERAL}]", after)[0] if after else ""
    return after or _strip_words(sentence[start:end]) or sentence[:200]


def _strip_words(text):
    text = text.strip(" ，、；：,")
    text = _LEADING_WORDS.sub("", text)
    return _TRAILING_WORDS.sub("", text).strip(" ，、；：,")


def _plan_targets(lines, results):
    areas, targets = [], []
    area = None
    for paragraph in lines:
        if paragraph.startswith("各位代表"):
            area = None
            continue
        heading = _AREA_HEADING.match(paragraph)
        if heading:
            title, _stop, rest = heading[2].partition("。")
            area = AreaProposal(len(areas) + 1, _full_width_numeral(heading[1]), title.strip())
            areas.append(area)
            paragraph = rest
            if not paragraph.strip():
                continue
        main = _MAIN_TARGETS.search(paragraph)
        if main and area is None:
            targets.extend(_main_targets(paragraph[main.end() :], results))
            continue
        if area is None:
            continue
        for sentence in sentences(paragraph):
            targets.extend(_sentence_targets(sentence, area.position))
    if any(target.area == 0 for target in targets):
        areas.insert(0, AreaProposal(0, "", "经济社会发展主要目标"))
    return areas, targets


def _full_width_numeral(numeral):
    return "（" + numeral[1:-1] + "）"


def _main_targets(text, results):
    """The clauses of the main-targets sentence: "地区生产总值增长7%，工业增加值增长5%…"."""
    sentence = sentences(text)[0] if sentences(text) else ""
    targets = []
    for clause in re.split(r"[，；、,;]", sentence):
        if find_figures(clause):
            targets.extend(_sentence_targets(clause, 0, results))
    return targets


def _sentence_targets(sentence, area, results=()):
    folded = sentence.translate(_FULL_WIDTH)
    figures = find_figures(sentence)
    if not figures:
        name = re.split(r"[，,：]", folded)[0]
        return [
            TargetProposal(area=area, name=name[:200], kind=Kind.MILESTONE, source_text=sentence)
        ]
    return [_figure_target(folded, sentence, figure, area, figures, results) for figure in figures]


def _figure_target(folded, sentence, figure, area, figures, results):
    start, _end = _clause_around(folded, figure)
    previous_end = max((f.end for f in figures if f.end <= figure.start), default=0)
    before = folded[max(start, previous_end) : figure.start]
    target = TargetProposal(area=area, name="", kind=Kind.AMOUNT, source_text=sentence)
    growth = _growth_of(folded, figure)
    if growth is not None:
        target.kind = Kind.GROWTH
        target.target_growth_pct = growth
        indicator = _strip_words(_GROWTH_BEFORE.sub("", before))
        target.name = f"{indicator}增长" if growth >= 0 else f"{indicator}下降"
        baseline = next((r for r in results if r.name == indicator), None)
        if baseline:
            target.baseline_value = baseline.value
            target.measure_unit = baseline.measure_unit
        return target
    target.target_value = figure.value
    target.measure_unit = figure.unit
    target.name = _name_of(folded, figure, figures)[:200]
    period = next((p for word, p in _QUOTA_PERIODS if word in folded[start : figure.start]), "")
    stripped = before.rstrip()
    if period:
        target.kind = Kind.QUOTA
        target.quota_period = period
    elif figure.unit == "%" or _LEVEL_BEFORE.search(stripped):
        target.kind = Kind.LEVEL
    if _DECREASE_BEFORE.search(stripped) or re.match(r"^(以内|以下)", folded[figure.end :]):
        target.direction = Direction.DECREASE
    return target
