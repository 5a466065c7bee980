"""The 2022 data file holds every target and every 2021 result of the Gangmen report, each quoted
word for word from the report.

These tests read fixtures/gangmen_2022.toml with tomllib only: no database, no models.
"""

import itertools
import tomllib
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA_FILE = REPO / "fixtures" / "gangmen_2022.toml"
# The report lives in shared/ beside the repository (also in CI, which clones the repository
# into another folder with a copy of shared/ next to it).
REPORT_FILE = REPO.parent / "shared" / "seed" / "000_d090e128778c2801.txt"

DATA = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
TARGETS = {target["code"]: target for target in DATA["targets"]}
RESULTS = {result["name"]: result for result in DATA["results"]}

KINDS = {"growth", "amount", "level", "quota", "milestone"}
DECIMAL_FIELDS = ("baseline_value", "target_value", "target_growth_pct", "value", "growth_pct")

# How many targets of each kind every area holds: a lost or re-kinded row fails here.
TARGETS_PER_AREA = {
    0: {"growth": 6},
    1: {"milestone": 5, "amount": 3},
    2: {"milestone": 6, "amount": 2, "quota": 1},
    3: {"milestone": 13, "amount": 4, "level": 2},
    4: {"milestone": 12},
    5: {"milestone": 6},
    6: {"milestone": 6},
}
TARGET_COUNT = 66

# The groups of section 一 in the report's order, with how many results each holds.
RESULTS_PER_SECTION = [
    ("经济运行", 9),
    ("乡村振兴", 8),
    ("人居环境整治", 5),
    ("美丽圩镇建设", 6),
    ("基础设施", 11),
    ("生态环境", 7),
    ("文体事业", 14),
    ("民生保障", 8),
    ("社会大局", 15),
    ("安全生产", 9),
    ("政府建设", 11),
]
RESULT_COUNT = 103


def as_decimal(text):
    return None if text is None else Decimal(text)


def quoted_passages():
    """Every source_text in the file, with a label saying where it sits."""
    for target in DATA["targets"]:
        yield f"目标 {target['code']}", target["source_text"]
        for stage in target.get("milestones", []):
            yield f"目标 {target['code']} 阶段 {stage['position']}", stage["source_text"]
    for result in DATA["results"]:
        yield f"成果 {result['name']}", result["source_text"]


def first_out_of_order(rows, label, report_text):
    """The label of the first row quoted from earlier in the report than the row before it."""
    previous = -1
    for row in rows:
        position = report_text.find(row["source_text"])
        if position < previous:
            return row[label]
        previous = position
    return None


@pytest.fixture(scope="module")
def report_text():
    if not REPORT_FILE.exists():
        pytest.skip(f"报告原文不在 {REPORT_FILE}，无法核对 source_text 是否照录原文")
    return REPORT_FILE.read_text(encoding="utf-8")


# --- Quoted from the report ---------------------------------------------------------------


def test_every_row_carries_a_source_text():
    empty = [where for where, text in quoted_passages() if not text.strip()]
    assert not empty, f"rows without source_text: {empty}"


def test_every_source_text_is_quoted_from_the_report(report_text):
    not_quoted = [where for where, text in quoted_passages() if text not in report_text]
    assert not not_quoted, f"source_text not found word for word in the report: {not_quoted}"


def test_results_follow_the_report_order(report_text):
    misplaced = first_out_of_order(DATA["results"], "name", report_text)
    assert misplaced is None, f"result {misplaced} comes before an earlier passage of the report"


def test_targets_follow_the_report_order(report_text):
    misplaced = first_out_of_order(DATA["targets"], "code", report_text)
    assert misplaced is None, f"target {misplaced} comes before an earlier passage of the report"


# --- Well-formed rows ---------------------------------------------------------------------


def test_areas_are_the_main_targets_then_one_to_six():
    numerals = [(area["position"], area["numeral"]) for area in DATA["areas"]]
    assert numerals == [
        (0, ""),
        (1, "（一）"),
        (2, "（二）"),
        (3, "（三）"),
        (4, "（四）"),
        (5, "（五）"),
        (6, "（六）"),
    ], "areas must be position 0 (main targets) then （一）–（六） in order"


def test_target_codes_are_unique():
    repeated = [code for code, n in Counter(t["code"] for t in DATA["targets"]).items() if n > 1]
    assert not repeated, f"target codes used more than once: {repeated}"


def test_result_names_are_unique():
    repeated = [name for name, n in Counter(r["name"] for r in DATA["results"]).items() if n > 1]
    assert not repeated, f"result names used more than once: {repeated}"


def test_every_target_belongs_to_an_existing_area():
    positions = {area["position"] for area in DATA["areas"]}
    orphans = [t["code"] for t in DATA["targets"] if t["area"] not in positions]
    assert not orphans, f"targets pointing to an area that does not exist: {orphans}"


def test_every_target_has_a_known_kind():
    unknown = [(t["code"], t["kind"]) for t in DATA["targets"] if t["kind"] not in KINDS]
    assert not unknown, f"targets of an unknown kind: {unknown}"


def is_decimal_string(text):
    """True for "17.1"; false for the float 17.1, which TOML would read through binary."""
    if not isinstance(text, str):
        return False
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def test_every_figure_is_a_decimal_written_as_a_string():
    broken = [
        (row.get("code") or row["name"], field, row[field])
        for row in DATA["targets"] + DATA["results"]
        for field in DECIMAL_FIELDS
        if field in row and not is_decimal_string(row[field])
    ]
    assert not broken, f"figures that are not decimal strings: {broken}"


def test_growth_targets_have_a_growth_rate():
    missing = [
        t["code"] for t in DATA["targets"] if t["kind"] == "growth" and "target_growth_pct" not in t
    ]
    assert not missing, f"growth targets without target_growth_pct: {missing}"


def test_amount_level_and_quota_targets_have_a_goal():
    missing = [
        t["code"]
        for t in DATA["targets"]
        if t["kind"] in ("amount", "level", "quota") and "target_value" not in t
    ]
    assert not missing, f"amount, level or quota targets without target_value: {missing}"


def test_quota_targets_have_a_period():
    missing = [
        t["code"]
        for t in DATA["targets"]
        if t["kind"] == "quota" and t.get("quota_period") not in ("month", "quarter")
    ]
    assert not missing, f"quota targets without a month or quarter quota_period: {missing}"


def test_targets_carry_only_the_figures_of_their_kind():
    misplaced = []
    for target in DATA["targets"]:
        if target["kind"] != "growth" and "target_growth_pct" in target:
            misplaced.append((target["code"], "target_growth_pct"))
        if target["kind"] in ("growth", "milestone") and "target_value" in target:
            misplaced.append((target["code"], "target_value"))
        if target["kind"] != "quota" and "quota_period" in target:
            misplaced.append((target["code"], "quota_period"))
        if target["kind"] != "milestone" and "milestones" in target:
            misplaced.append((target["code"], "milestones"))
    assert not misplaced, f"fields that do not belong to the target's kind: {misplaced}"


def test_stages_are_numbered_from_one():
    misnumbered = [
        t["code"]
        for t in DATA["targets"]
        if "milestones" in t
        and [stage["position"] for stage in t["milestones"]]
        != list(range(1, len(t["milestones"]) + 1))
    ]
    assert not misnumbered, f"targets whose stages are not numbered 1, 2, 3…: {misnumbered}"


def test_result_qualifiers_are_known():
    unknown = [
        (r["name"], r["qualifier"])
        for r in DATA["results"]
        if r.get("qualifier", "") not in ("", "about", "more")
    ]
    assert not unknown, f"results with a qualifier other than '', 'about' or 'more': {unknown}"


# --- Nothing lost -------------------------------------------------------------------------


def test_file_holds_every_target_of_the_report():
    assert len(DATA["targets"]) == TARGET_COUNT, (
        f"expected {TARGET_COUNT} targets, found {len(DATA['targets'])}"
    )


@pytest.mark.parametrize(("area", "kinds"), TARGETS_PER_AREA.items())
def test_each_area_holds_its_targets_by_kind(area, kinds):
    found = Counter(t["kind"] for t in DATA["targets"] if t["area"] == area)
    assert found == Counter(kinds), f"area {area}: expected {kinds}, found {dict(found)}"


def test_file_holds_every_result_of_the_previous_year():
    assert len(DATA["results"]) == RESULT_COUNT, (
        f"expected {RESULT_COUNT} results, found {len(DATA['results'])}"
    )


def test_results_are_grouped_by_section_in_report_order():
    runs = [
        (section, len(list(rows)))
        for section, rows in itertools.groupby(DATA["results"], key=lambda r: r["section"])
    ]
    assert runs == RESULTS_PER_SECTION, f"sections and their sizes differ: {runs}"


# --- Exact figures ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "unit", "growth_pct"),
    [
        ("地区生产总值", "17.1", "亿元", "10.6"),
        ("第一产业增加值", "8.76", "亿元", None),
        ("第二产业增加值", "2.14", "亿元", None),
        ("第三产业增加值", "6.2", "亿元", None),
        ("地方财政收入", "766.2", "万元", "6.2"),
        ("一般公共预算收入", "1820", "万元", "5"),
        ("固定资产投资", "1.25", "亿元", "3"),
        ("发放小额信贷金额", "1376", "万元", None),
        ("全县巩固脱贫攻坚成效评比排名", "1", "名", None),
        ("乡道公路路面改造工程全长", "9.62", "公里", None),
        ("污水管网完工率", "93.33", "%", None),
        ("高位池尾水整治面积", "296.89", "亩", None),
        ("清理水面漂浮物", "7.53", "万平方米", None),
        ("奖励优秀学生人数", "189", "人", None),
        ("奖励优秀学生金额", "23.95", "万元", None),
        ("12345市民服务热线工单办结率", "100", "%", None),
        ("镇人大收到代表建议", "6", "件", None),
        ("代表建议已得到落实", "3", "件", None),
        ("代表建议正在解决", "3", "件", None),
    ],
)
def test_previous_year_result_is_transcribed_exactly(name, value, unit, growth_pct):
    result = RESULTS[name]
    found = (
        Decimal(result["value"]),
        result.get("measure_unit", ""),
        as_decimal(result.get("growth_pct")),
    )
    expected = (Decimal(value), unit, as_decimal(growth_pct))
    assert found == expected, f"result {name}: expected {expected}, found {found}"


@pytest.mark.parametrize(
    ("name", "qualifier"),
    [
        ("乡道升级改造投资", "more"),
        ("清理水面漂浮物", "about"),
        ("修缮镇电影院投入", "more"),
        ("安全宣传发放宣传资料", "more"),
        ("安全宣传开展活动", "more"),
        ("地区生产总值", ""),
    ],
)
def test_approximate_results_keep_their_qualifier(name, qualifier):
    found = RESULTS[name].get("qualifier", "")
    assert found == qualifier, f"result {name}: qualifier should be {qualifier!r}, is {found!r}"


@pytest.mark.parametrize(
    ("code", "name", "growth_pct", "baseline", "unit"),
    [
        ("M1", "地区生产总值增长", "7", "17.1", "亿元"),
        ("M2", "工业增加值增长", "5", None, ""),
        ("M3", "固定资产投资增长", "20", "1.25", "亿元"),
        ("M4", "规上工业增加值增长", "7", None, ""),
        ("M5", "居民人均可支配收入增长", "8", None, ""),
        ("M6", "一般公共预算收入增长", "8", "1820", "万元"),
    ],
)
def test_main_target_growth_and_baseline(code, name, growth_pct, baseline, unit):
    target = TARGETS[code]
    found = (
        target["name"],
        target["kind"],
        Decimal(target["target_growth_pct"]),
        as_decimal(target.get("baseline_value")),
        target.get("measure_unit", ""),
    )
    expected = (name, "growth", Decimal(growth_pct), as_decimal(baseline), unit)
    assert found == expected, f"main target {code}: expected {expected}, found {found}"


@pytest.mark.parametrize(
    ("code", "result_name"),
    [("M1", "地区生产总值"), ("M3", "固定资产投资"), ("M6", "一般公共预算收入")],
)
def test_baselines_are_the_previous_year_results(code, result_name):
    baseline = (TARGETS[code]["baseline_value"], TARGETS[code]["measure_unit"])
    result = (RESULTS[result_name]["value"], RESULTS[result_name]["measure_unit"])
    assert baseline == result, f"{code} baseline {baseline} differs from 2021 result {result}"


@pytest.mark.parametrize(
    ("code", "kind", "value", "unit", "period"),
    [
        ("A1-04", "amount", "5", "家", None),
        ("A1-05", "amount", "1", "亿元", None),
        ("A1-08", "amount", "1.4", "亿元", None),
        ("A2-04", "amount", "1", "万亩", None),
        ("A2-05", "amount", "500", "亩", None),
        ("A2-09", "quota", "2", "篇", "month"),
        ("A3-06", "amount", "1", "公里", None),
        ("A3-07", "level", "6", "米", None),
        ("A3-08", "amount", "1", "户", None),
        ("A3-09", "amount", "5000", "万元", None),
        ("A3-13", "amount", "6", "个", None),
        ("A3-18", "level", "100", "%", None),
    ],
)
def test_area_target_goal_is_transcribed_exactly(code, kind, value, unit, period):
    target = TARGETS[code]
    found = (
        target["kind"],
        Decimal(target["target_value"]),
        target["measure_unit"],
        target.get("quota_period"),
    )
    expected = (kind, Decimal(value), unit, period)
    assert found == expected, f"target {code}: expected {expected}, found {found}"


# --- The report's contradiction -----------------------------------------------------------


def test_both_fixed_asset_investment_targets_explain_the_conflict():
    for code in ("M3", "A1-08"):
        conflict = TARGETS[code].get("report_conflict", "")
        assert "1.5亿元" in conflict and "1.4亿元" in conflict, (
            f"{code} must explain that 20% on 1.25亿元 is 1.5亿元, not the 1.4亿元 of （一）"
        )


def test_only_the_fixed_asset_investment_targets_carry_a_conflict():
    flagged = sorted(t["code"] for t in DATA["targets"] if t.get("report_conflict"))
    assert flagged == ["A1-08", "M3"], f"report_conflict found on unexpected targets: {flagged}"
