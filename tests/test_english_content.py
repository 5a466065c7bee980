"""Point 7 of issue 13: the data carry English names (translated in the fixture), shown in
English mode with the Chinese beside it, and Chinese content is marked lang="zh-Hans"."""

import datetime
import json
import tomllib
from decimal import Decimal as D

import pytest

from tests.conftest import REPORT_DATA, make_record
from tracking.models import Milestone, PreviousYearResult, Target, TaskArea

pytestmark = pytest.mark.django_db


def _english(client, url):
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_name_the_public_pages_show_has_an_english_name(gangmen):
    missing = [
        *(f"area {a.position}" for a in TaskArea.objects.filter(plan=gangmen, title_en="")),
        *(t.code for t in Target.objects.filter(plan=gangmen, name_en="")),
        *(
            t.code
            for t in Target.objects.filter(plan=gangmen).exclude(measure_unit="")
            if not t.measure_unit_en
        ),
        *(r.name for r in PreviousYearResult.objects.filter(plan=gangmen, name_en="")),
        *(r.name for r in PreviousYearResult.objects.filter(plan=gangmen, section_en="")),
        *(
            r.name
            for r in PreviousYearResult.objects.filter(plan=gangmen).exclude(measure_unit="")
            if not r.measure_unit_en
        ),
    ]
    missing += [str(m) for m in Milestone.objects.filter(target__plan=gangmen, name_en="")]
    assert not missing, f"no English name: {missing}"
    assert gangmen.title_en and gangmen.source_en
    conflicts = Target.objects.filter(plan=gangmen).exclude(report_conflict="")
    assert all(t.report_conflict_en for t in conflicts)


def test_english_names_use_ascii_punctuation_and_keep_every_figure():
    data = tomllib.loads(REPORT_DATA.read_text(encoding="utf-8"))
    rows = [data["plan"], *data["areas"], *data["targets"], *data["results"]]
    units = data["english"]["units"].values()
    # Only the conflict notes quote the report's Chinese; m² and m³ are the one other exception.
    english = [v for row in rows for k, v in row.items() if k.endswith("_en")]
    english += [v for v in units if v not in ("m²", "m³", "ten thousand m²")]
    english = [text for text in english if "亿元" not in text]
    assert [text for text in english if not text.isascii()] == []
    for target in data["targets"]:
        for figure in ("3.5", "626", "24"):
            if figure in target["name"]:
                assert figure in target["name_en"], target["code"]


def test_english_mode_shows_english_with_the_chinese_beside_it(client, gangmen):
    gdp = Target.objects.get(plan=gangmen, code="M1")
    make_record(gdp, datetime.date(2022, 6, 30), growth_pct=D("6.5"))
    home = _english(client, "/?on=2022-06-30")
    assert (
        'Growth of gross regional product <span class="zh" lang="zh-Hans">地区生产总值增长</span>'
        in home
    )
    assert (
        'Main targets of economic and social development <span class="zh" lang="zh-Hans">'
        "经济社会发展主要目标</span>" in home
    )
    assert "17.1 hundred million yuan" in home, "the unit of measure in English"
    target = _english(client, gdp.get_absolute_url())
    assert '<blockquote lang="zh-Hans">地区生产总值增长7%</blockquote>' in target
    conflict = _english(client, Target.objects.get(plan=gangmen, code="M3").get_absolute_url())
    assert "Both figures are kept." in conflict


def test_the_year_in_review_reads_in_english(client, gangmen):
    body = _english(client, "/gangmen/2022/review/")
    assert 'The economy <span class="zh" lang="zh-Hans">经济运行</span>' in body
    assert 'Gross regional product <span class="zh" lang="zh-Hans">地区生产总值</span>' in body
    assert '<blockquote class="source" lang="zh-Hans">完成地区生产总值17.1亿元' in body


def test_chinese_mode_shows_the_report_wording_alone(client, gangmen):
    body = client.get("/").content.decode()
    assert "地区生产总值增长" in body and "Growth of gross regional product" not in body


def test_the_api_carries_the_english_names(client, gangmen):
    items = json.loads(client.get("/api/v1/plans/gangmen/2022/targets").content)["items"]
    m1 = next(item for item in items if item["id"] == "M1")
    assert m1["name_en"] == "Growth of gross regional product"
    assert m1["area_en"] == "Main targets of economic and social development"
    assert m1["unit_en"] == "hundred million yuan"
