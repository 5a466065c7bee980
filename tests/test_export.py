"""Exports: formula-like cells escaped, round trips that change nothing, the progress report."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import make_record, make_stages, make_target
from tracking.models import PreviousYearResult, ProgressRecord, Target, Unit
from tracking.spreadsheets import SafeCSV, SafeXLSX, read_rows
from tracking.spreadsheets.resources import (
    PreviousYearResultResource,
    ProgressRecordResource,
    TargetResource,
)

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+A1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
MARCH_31 = datetime.date(2022, 3, 31)


@pytest.fixture
def records(plan):
    """Progress whose notes start with every formula character (the round trips use them too;
    a leading carriage return is the one XLSX itself turns into a line feed, see below)."""
    firms = make_target(plan, "A2", name="引进企业", measure_unit="家")
    gdp = make_target(plan, "M1", kind=Target.Kind.GROWTH, name="地区生产总值")
    made = [make_record(gdp, MARCH_31, growth_pct=D("-2.5"), note="一季度回落")]
    for day, note in enumerate(DANGEROUS, start=1):
        made.append(make_record(firms, datetime.date(2022, 4, day), value=D(day), note=note))
    return made


def export(resource_class, file_format, queryset):
    """What the admin's export gives: native numbers and dates in XLSX, text in CSV."""
    native = isinstance(file_format, SafeXLSX)
    dataset = resource_class().export(queryset=queryset, force_native_type=native)
    return file_format.export_data(dataset)


def test_xlsx_export_escapes_every_formula_start_and_keeps_numbers(records):
    data = export(ProgressRecordResource, SafeXLSX(), ProgressRecord.objects.all())
    sheet = load_workbook(io.BytesIO(data)).active
    # XML may turn a carriage return into a line feed (openpyxl's own writer does, the lxml one
    # that python-docx brings in keeps it); either way the cell is escaped all the same.
    notes = {
        sheet.cell(row=r, column=9).value.replace("\r", "\n") for r in range(2, sheet.max_row + 1)
    }
    assert notes == {"一季度回落", *("'" + text.replace("\r", "\n") for text in DANGEROUS)}
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), "no formulas"
    assert sheet.cell(row=2, column=7).data_type == "n"
    growth = [sheet.cell(row=r, column=7).value for r in range(2, sheet.max_row + 1)]
    assert D("-2.5") in [D(str(v)) for v in growth if v is not None], "numbers stay numbers"


def test_csv_export_escapes_every_formula_start_and_has_a_bom(records):
    data = export(ProgressRecordResource, SafeCSV(), ProgressRecord.objects.all())
    assert data.startswith(b"\xef\xbb\xbf"), "Chinese Excel needs the BOM"
    text = data.decode("utf-8-sig")
    for dangerous in DANGEROUS:
        assert "'" + dangerous in text, f"{dangerous!r} is escaped"
    assert "\n=1+2" not in text and ",=1+2" not in text


@pytest.mark.parametrize("file_format", [SafeXLSX(), SafeCSV()], ids=["xlsx", "csv"])
def test_exporting_then_importing_progress_changes_nothing(plan, records, superuser, file_format):
    ProgressRecord.objects.filter(note="\rcmd").delete()
    before = list(ProgressRecord.objects.values_list("pk", "value", "growth_pct", "note", "state"))
    data = export(ProgressRecordResource, file_format, ProgressRecord.objects.all())
    result = ProgressRecordResource(plan=plan, user=superuser).import_data(
        read_rows(data), file_name="roundtrip"
    )
    assert result.messages() == []
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == len(records) - 1
    after = list(ProgressRecord.objects.values_list("pk", "value", "growth_pct", "note", "state"))
    assert after == before


@pytest.mark.parametrize("file_format", [SafeXLSX(), SafeCSV()], ids=["xlsx", "csv"])
def test_exporting_then_importing_targets_changes_nothing(plan, records, superuser, file_format):
    data = export(TargetResource, file_format, Target.objects.all())
    result = TargetResource(plan=plan, user=superuser).import_data(read_rows(data))
    assert result.messages() == []
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)


def round_trip(resource_class, plan, user, file_format, queryset):
    data = export(resource_class, file_format, queryset)
    result = resource_class(plan=plan, user=user).import_data(read_rows(data), file_name="rt")
    assert result.messages() == []
    return result


@pytest.mark.parametrize("file_format", [SafeXLSX(), SafeCSV()], ids=["xlsx", "csv"])
def test_an_export_holding_corrections_reimports_with_nothing_new_or_updated(
    plan, superuser, file_format
):
    firms = make_target(plan, "A2", name="引进企业", measure_unit="家")
    invest = make_target(plan, "A1", name="固定资产投资", measure_unit="亿元")
    stages = make_target(plan, "Q1", kind=Target.Kind.MILESTONE, name="创文")
    make_stages(stages)
    make_record(firms, MARCH_31, value=D(2), note="已签约")
    # The correction of the published 2, waiting for review beside it, and a third one.
    make_record(firms, MARCH_31, value=D(3), note="更正", state="submitted")
    make_record(firms, MARCH_31, value=D(4), note="再更正", state="draft")
    make_record(invest, MARCH_31, value=D("123456789012.3456"), shortfall_reason="项目延期")
    make_record(stages, MARCH_31, milestone=stages.milestones.get(position=2))
    fields = ("pk", "value", "growth_pct", "milestone", "note", "shortfall_reason", "state")
    before = list(ProgressRecord.objects.order_by("pk").values_list(*fields))
    result = round_trip(
        ProgressRecordResource, plan, superuser, file_format, ProgressRecord.objects.all()
    )
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 5)
    assert list(ProgressRecord.objects.order_by("pk").values_list(*fields)) == before


@pytest.mark.parametrize("file_format", [SafeXLSX(), SafeCSV()], ids=["xlsx", "csv"])
def test_exporting_then_importing_fully_filled_targets_changes_nothing(
    plan, superuser, file_format
):
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    area = plan.areas.create(position=1, numeral="（一）", title="产业发展")
    make_target(
        plan, "B1", area=area, name="固定资产投资", measure_unit="亿元", position=2,
        baseline_value=D("1.2345"), target_value=D("1.4"), responsible_unit=unit,
        direction=Target.Direction.INCREASE, deadline=datetime.date(2022, 10, 31),
        source_text="=完成固定资产投资1.4亿元", report_conflict="正文1.4亿元，附表1.5亿元",
    )  # fmt: skip
    make_target(plan, "B2", kind=Target.Kind.QUOTA, name="每月巡查", measure_unit="次")
    make_target(plan, "M1", kind=Target.Kind.GROWTH, name="地区生产总值", measure_unit="亿元")
    result = round_trip(TargetResource, plan, superuser, file_format, Target.objects.all())
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 3)


@pytest.mark.parametrize("file_format", [SafeXLSX(), SafeCSV()], ids=["xlsx", "csv"])
def test_exporting_then_importing_previous_year_results_changes_nothing(
    plan, superuser, file_format
):
    PreviousYearResult.objects.create(
        plan=plan, section="一、2021年工作回顾", position=1, name="地区生产总值",
        value=D("17.1"), measure_unit="亿元", growth_pct=D("8.5"), source_text="增长8.5%",
    )  # fmt: skip
    PreviousYearResult.objects.create(
        plan=plan, section="一、2021年工作回顾", position=2, name="新增就业", value=D(300),
        qualifier=PreviousYearResult.Qualifier.ABOUT,
        measure_unit="人", source_text="-约300人",
    )  # fmt: skip
    result = round_trip(
        PreviousYearResultResource, plan, superuser, file_format, PreviousYearResult.objects.all()
    )
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)


def test_every_admin_list_exports_to_xlsx_and_csv(admin_client, records):
    """Every list the admin offers an export for, found from the admin itself (a fixed list
    once left previous-year results out)."""
    from django.contrib import admin
    from django.urls import NoReverseMatch

    exported = []
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        except NoReverseMatch:
            continue
        exported.append(model._meta.model_name)
        for index, extension in enumerate(("xlsx", "csv")):
            response = admin_client.post(url, {"format": index, "resource": 0})
            assert response.status_code == 200, model
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment") and disposition.endswith(f'.{extension}"')
    assert {"target", "progressrecord", "previousyearresult"} <= set(exported), exported


def test_the_plan_list_exports_with_chinese_headers(admin_client, plan):
    response = admin_client.post(reverse("admin:tracking_plan_export"), {"format": 1})
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("ID,行政区,计划年度,标题"), header


def test_a_plain_negative_number_is_not_escaped():
    from tracking.spreadsheets import escape_formula

    assert [escape_formula(v) for v in ["-2.5", "+3", "-2+3", 5]] == ["-2.5", "+3", "'-2+3", 5]


def test_the_progress_report_has_a_sheet_per_area_with_published_data_only(
    client, plan, records, django_assert_num_queries
):
    area = plan.areas.create(position=1, numeral="（一）", title="产业发展")
    make_target(plan, "B1", area=area, name="复耕", measure_unit="亩", target_value=D(100))
    firms = Target.objects.get(code="A2")
    make_record(firms, datetime.date(2022, 4, 30), value=D(4), state="submitted")
    url = reverse("tracking:plan_report", args=[plan.jurisdiction.slug, plan.year])
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["主要目标", "（一）产业发展"]
    sheet = book["主要目标"]
    assert [c.value for c in sheet[2]] == [
        "编号", "目标任务", "计量单位", "2021年基数", "目标", "截至日期", "累计完成",
        "完成进度（%）", "状态", "情况说明",
    ]  # fmt: skip
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=3)}
    today = datetime.date(2022, 12, 31)
    expected_status = str(firms.assess(today).status.label)
    assert rows["A2"][6] == 6, "the submitted 4 on 30 April is not public; the published 6 is"
    assert rows["A2"][8] in {expected_status, str(firms.assess().status.label)}
    assert rows["A2"][9].startswith("'"), "notes typed on the site cannot become formulas"
    assert rows["M1"][6] == "增长-2.5%"


def test_the_area_report_holds_one_sheet(client, plan, records):
    url = reverse("tracking:area_report", args=[plan.jurisdiction.slug, plan.year, 0])
    book = load_workbook(io.BytesIO(client.get(url).content))
    assert book.sheetnames == ["主要目标"]
    assert client.get(url.replace("/0/", "/9/")).status_code == 404


def test_the_import_template_has_header_example_and_valid_values(admin_client, plan, records):
    url = reverse("admin:tracking_progressrecord_import_template") + f"?plan={plan.pk}"
    book = load_workbook(io.BytesIO(admin_client.get(url).content))
    assert book.sheetnames == ["导入数据", "可选值", "说明"]
    data = book["导入数据"]
    assert [c.value for c in data[1]][:4] == ["目标编号", "任务领域", "目标名称", "截至日期"]
    assert data["A2"].value == "A2" and "示例" in data["I2"].value
    codes = [row[0].value for row in book["可选值"].iter_rows(min_row=2) if row[0].value]
    assert codes == ["A2", "M1"]
    example = read_rows(admin_client.get(url).content)
    assert example[0][1][0] == "目标编号"
