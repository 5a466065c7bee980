"""Importing progress, targets and previous-year results from the files offices really have."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import make_record, make_stages, make_target, make_user
from tests.spreadsheet_files import (
    compound_file,
    csv_bytes,
    encrypted,
    read_member,
    with_extra_member,
    workbook,
    xlsx,
)
from tracking import roles
from tracking.models import (
    ImportRun,
    PendingImport,
    PreviousYearResult,
    ProgressRecord,
    Target,
    Unit,
)
from tracking.spreadsheets import Formula, SpreadsheetError, read_rows
from tracking.spreadsheets.resources import (
    PreviousYearResultResource,
    ProgressRecordResource,
    TargetResource,
)

pytestmark = pytest.mark.django_db

HEADER = ["目标编号", "任务领域", "目标名称", "截至日期", "累计实际值", "累计增速（%）", "情况说明"]


@pytest.fixture
def targets(plan):
    return {
        "invest": make_target(
            plan, "A1", name="固定资产投资", measure_unit="亿元", target_value=D("1.4")
        ),
        "firms": make_target(plan, "A2", name="引进企业", measure_unit="家", target_value=D(5)),
        "land": make_target(plan, "A3", name="撂荒地复耕", measure_unit="亩", target_value=D(1000)),
        "gdp": make_target(plan, "M1", kind=Target.Kind.GROWTH, name="地区生产总值"),
    }


def run(resource_class, plan, user, data, dry_run=False):
    resource = resource_class(plan=plan, user=user)
    return resource.import_data(read_rows(data), dry_run=dry_run, file_name="进度.xlsx", user=user)


def test_a_real_office_workbook_is_read_cell_by_cell(plan, targets, superuser):
    data = xlsx(
        [
            ["港门镇2022年重点目标任务完成情况统计表"],
            ["填报单位：经济发展办", None, None, "单位：见各列"],
            [
                "目标编号",
                "任务领域",
                "目标名称",
                "截至日期",
                "累计实际值（万元）",
                "累计增速（%）",
                "情况说明",
            ],
            [None, None, None, None, None, None, None],
            ["A1", "主要目标", "固定资产投资", "2022年3月", "7,000", None, "一季度"],
            ["Ａ２", None, None, 44651, "3家", None, "'=注意"],
            ["A3", None, None, "2022/3/31", "0.08万亩", None, ""],
            ["M1", None, None, "２０２２-０３", None, 0.065, ""],
            ["合计", None, None, None, "=SUM(E5:E8)", None, None],
        ],
        percent_cells=[(8, 6)],
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [], result.messages()
    assert result.totals["new"] == 4
    assert result.skipped_rows == [(9, "合计行，已跳过")]
    march_31 = datetime.date(2022, 3, 31)
    records = {r.target.code: r for r in ProgressRecord.objects.select_related("target")}
    assert records["A1"].value == D("0.7"), "7,000万元 is 0.7亿元, not 7000亿元"
    assert records["A2"].value == D(3), "the unit in the cell (家) wins over the header's"
    assert records["A3"].value == D(800)
    assert records["M1"].growth_pct == D("6.5"), "a 6.5% cell is stored as 0.065"
    assert {r.as_of for r in records.values()} == {march_31}
    assert records["A2"].note == "=注意"
    assert {r.state for r in records.values()} == {ProgressRecord.State.SUBMITTED}
    assert {r.entered_by for r in records.values()} == {superuser}
    run_record = ImportRun.objects.get()
    assert (run_record.imported_by, run_record.file_name, run_record.new_rows) == (
        superuser,
        "进度.xlsx",
        4,
    )
    assert run_record.skipped_rows == 1


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("累计实际值（万元）", 14000, D("1.4")),
        ("累计实际值（亿元）", 1.4, D("1.4")),
        ("累计实际值（元）", "140,000,000", D("1.4")),
        ("累计实际值", "14000万元", D("1.4")),
        ("累计实际值", "1.4", D("1.4")),
        ("累计实际值（万元）", "1.4亿元", D("1.4")),
    ],
)
def test_money_is_never_read_in_the_wrong_unit(plan, targets, superuser, header, cell, expected):
    data = xlsx([["目标编号", "截至日期", header], ["A1", "2022-03-31", cell]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == []
    assert ProgressRecord.objects.get().value == expected


def test_a_unit_that_cannot_be_converted_is_an_error_not_a_guess(plan, targets, superuser):
    data = xlsx(
        [
            ["目标编号", "截至日期", "累计实际值", "计量单位"],
            ["A3", "2022-03-31", "1.4亿元", ""],
            ["A1", "2022-03-31", "14000", "亩"],
            ["A2", "2022-03-31", "5", "万元"],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [
        "第2行，“累计实际值”列：单位“亿元”与目标的计量单位“亩”不是同一类，无法换算。",
        "第3行，“累计实际值”列：单位“亩”与目标的计量单位“亿元”不是同一类，无法换算。",
        "第4行，“累计实际值”列：单位“万元”无法换算为目标的计量单位“家”。",
    ]
    assert not ProgressRecord.objects.exists()


def test_every_bad_row_is_named_and_nothing_is_written(plan, targets, superuser):
    data = xlsx(
        [
            HEADER,
            ["A1", None, None, "2022-03-31", "1", None, ""],
            ["X9", None, None, "2022-03-31", "1", None, ""],
            ["A2", None, "引进外资", "2022-03-31", "1", None, ""],
            ["A2", None, None, "三月", "1", None, ""],
            ["A2", None, None, "2022-04-30", "-1", None, ""],
            ["M1", None, None, "2022-04-30", None, None, ""],
            ["A3", None, None, "2022-04-30", "1,00", None, ""],
            [None, None, "不存在的目标", "2022-04-30", "1", None, ""],
            ["A1", None, None, "2022-03-31", "2", None, ""],
            ["A1", None, None, None, "2", None, ""],
        ]
    )
    sheet = read_rows(data)
    sheet[1][1][4] = Formula("=B2*2")  # as read_rows gives a formula cell
    result = ProgressRecordResource(plan=plan, user=superuser).import_data(sheet, file_name="x")
    assert result.messages() == [
        "第2行，“累计实际值”列：单元格是公式（=B2*2），系统不计算公式，请先“粘贴为数值”再导入。",
        "第3行，“目标编号”列：本计划中没有编号为“X9”的目标任务。",
        "第4行，“目标名称”列：编号“A2”对应的目标是“引进企业”，与本行的目标名称不一致。",
        "第5行，“截至日期”列：“三月”不是可识别的日期，"
        "请写作 2022-03-31、2022/3/31、2022年3月 或 2022-03。",
        "第6行，“累计实际值”列：累计实际值不能为负数（填写的是“-1”）。",
        "第7行，“累计增速（%）”列：增长目标必须填写累计增速（%）。",
        "第8行，“累计实际值”列：“1,00”的千位分隔符位置不对，应为每三位一个逗号，如 1,234.5。",
        "第9行，“目标名称”列：本计划中没有名为“不存在的目标”的目标任务。",
        "第10行，“截至日期”列：与第2行的目标和截至日期相同，同一日期只能有一行。",
        "第11行，“截至日期”列：必须填写。",
    ]
    assert not ProgressRecord.objects.exists()
    assert not ImportRun.objects.exists()


def test_rows_are_matched_by_area_and_name_when_the_code_is_blank(plan, targets, superuser):
    data = xlsx([HEADER, [None, "主要目标", "引进企业", "2022-03-31", 2, None, ""]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == []
    assert ProgressRecord.objects.get().target == targets["firms"]


def test_milestones_are_read_by_position_or_name(plan, superuser):
    target = make_target(plan, "Q1", kind=Target.Kind.MILESTONE, name="创文")
    make_stages(target)
    data = xlsx(
        [
            ["目标编号", "截至日期", "已完成阶段"],
            ["Q1", "2022-03-31", "1"],
            ["Q1", "2022-04-30", "阶段2"],
            ["Q1", "2022-05-31", "阶段9"],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [
        "第4行，“已完成阶段”列：目标“Q1”没有阶段“阶段9”，可选：1. 阶段1、2. 阶段2、3. 阶段3。"
    ]


def test_preview_counts_new_updated_and_unchanged_rows_and_writes_nothing(plan, targets, superuser):
    march_31 = datetime.date(2022, 3, 31)
    make_record(targets["firms"], march_31, value=D(2), state=ProgressRecord.State.SUBMITTED)
    make_record(targets["land"], march_31, value=D(100), state=ProgressRecord.State.DRAFT)
    data = xlsx(
        [
            HEADER,
            ["A1", None, None, "2022-03-31", "1", None, ""],
            ["A2", None, None, "2022-03-31", "2", None, ""],
            ["A3", None, None, "2022-03-31", "200", None, ""],
        ]
    )
    preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
    assert [(r.number, r.import_type) for r in preview.rows] == [
        (2, "new"),
        (3, "skip"),
        (4, "update"),
    ]
    assert ProgressRecord.objects.count() == 2
    assert ProgressRecord.objects.get(target=targets["land"]).value == D(100)
    run(ProgressRecordResource, plan, superuser, data)
    assert ProgressRecord.objects.count() == 3
    assert ProgressRecord.objects.get(target=targets["land"]).value == D(200)


def test_a_changed_published_figure_waits_for_review_beside_the_public_one(
    plan, targets, superuser
):
    march_31 = datetime.date(2022, 3, 31)
    published = make_record(targets["firms"], march_31, value=D(2))
    data = xlsx([HEADER, ["A2", None, None, "2022-03-31", "3", None, ""]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.totals["new"] == 1
    published.refresh_from_db()
    assert (published.value, published.state) == (D(2), ProgressRecord.State.PUBLISHED)
    assert ProgressRecord.objects.get(value=D(3)).state == ProgressRecord.State.SUBMITTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(plan, targets, superuser, encoding):
    rows = [
        ["2022年一季度进度"],
        HEADER,
        ["A2", "主要目标", "引进企业", "2022年3月", "３", None, "已签约"],
    ]
    result = run(ProgressRecordResource, plan, superuser, csv_bytes(rows, encoding))
    assert result.messages() == []
    record = ProgressRecord.objects.get()
    assert (record.value, record.note, record.as_of) == (D(3), "已签约", datetime.date(2022, 3, 31))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0rest",
            "不支持旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV。",
        ),
        (b"PK\x03\x04broken", "文件不是有效的 XLSX 文件。"),
        (
            "a,b\n\xff".encode("latin-1") + b"\x80\x80\xff",
            "无法识别文件的文字编码。请将 CSV 保存为 UTF-8 或 GBK（GB18030）编码。",
        ),
    ],
    ids=["old xls", "broken zip", "unknown encoding"],
)
def test_unreadable_files_are_refused_with_the_reason(data, message):
    with pytest.raises(SpreadsheetError) as raised:
        read_rows(data)
    assert str(raised.value) == message


def test_files_over_the_size_limit_are_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024
    with pytest.raises(SpreadsheetError, match=r"文件大小为0.0 MB，超过了0.0 MB的上限"):
        read_rows(b"x" * 2048)


def test_files_over_the_row_limit_are_refused(settings, plan, targets, superuser):
    settings.IMPORT_MAX_ROWS = 5
    data = csv_bytes([HEADER] + [["A2", None, None, "2022-03-31", 1, None, ""]] * 6)
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == ["文件超过5行的上限，请拆分后分批导入。"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = with_extra_member(xlsx([HEADER]), "xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert len(bomb) < 64 * 1024, "the bomb is small on disk"
    with pytest.raises(SpreadsheetError, match="XLSX 文件解压后过大"):
        read_rows(bomb)


def test_an_xml_entity_bomb_is_refused_by_defusedxml():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    bomb = with_extra_member(xlsx([["目标编号"]]), "xl/worksheets/sheet1.xml", laughs)
    with pytest.raises(
        SpreadsheetError, match="XLSX 文件含有不安全的 XML 内容（实体定义等），已拒绝读取。"
    ):
        read_rows(bomb)


def test_a_file_without_the_expected_header_is_refused(plan, targets, superuser):
    result = run(ProgressRecordResource, plan, superuser, xlsx([["甲", "乙"], [1, 2]]))
    assert result.messages() == [
        "在工作表“Sheet”的前20行中没有找到表头。请使用下载的模板，或检查列名是否正确。"
    ]
    result = run(ProgressRecordResource, plan, superuser, csv_bytes([["甲", "乙"], [1, 2]]))
    assert result.messages() == [
        "在文件前20行中没有找到表头。请使用下载的模板，或检查列名是否正确。"
    ]


def test_targets_for_next_years_plan_are_created_from_a_workbook(plan, superuser):
    data = xlsx(
        [
            [
                "编号",
                "任务领域",
                "顺序",
                "目标名称",
                "类型",
                "计量单位",
                "目标值（万元）",
                "目标增速（%）",
                "报告原文",
            ],
            [
                "B1",
                "主要目标",
                1,
                "固定资产投资",
                "累计完成量",
                "亿元",
                "15,000",
                None,
                "完成1.5亿元",
            ],
            ["B2", "主要目标", 2, "地区生产总值", "增长目标", "亿元", None, "7%", "增长7%"],
            ["B3", "（九）不存在", 3, "某目标", "累计完成量", "亿元", 5, None, "原文"],
            ["B4", "主要目标", 4, "某目标", "增长", "亿元", 5, None, "原文"],
        ]
    )
    result = run(TargetResource, plan, superuser, data)
    assert result.messages() == [
        "第4行，“任务领域”列：本计划中没有任务领域“（九）不存在”，可选：主要目标。",
        "第5行，“类型”列：“增长”不是可选值，应为：增长目标、累计完成量、达到或保持水平、周期性定额、定性任务（分阶段）。",
    ]
    good = data_without_rows(data, keep=3)
    result = run(TargetResource, plan, superuser, good)
    assert result.messages() == []
    investment = Target.objects.get(code="B1")
    assert (investment.target_value, investment.measure_unit) == (D("1.5"), "亿元")
    assert Target.objects.get(code="B2").target_growth_pct == D(7)


def data_without_rows(data, keep):
    book = load_workbook(io.BytesIO(data))
    book.active.delete_rows(keep + 1, 100)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_previous_year_results_are_matched_by_name(plan, superuser):
    PreviousYearResult.objects.create(
        plan=plan, section="一", position=1, name="地区生产总值", value=D("17.1"),
        measure_unit="亿元", source_text="原文",
    )  # fmt: skip
    data = xlsx(
        [
            [
                "报告段落",
                "顺序",
                "指标名称",
                "数值",
                "数值限定",
                "计量单位",
                "同比增长（%）",
                "报告原文",
            ],
            ["一", 1, "地区生产总值", "171,000万元", "", "亿元", "8.5%", "原文"],
            ["一", 2, "新增就业", "约300", "", "人", None, "原文"],
            ["一", 3, "新增企业", 12, "约", "家", None, "原文"],
        ]
    )
    result = run(PreviousYearResultResource, plan, superuser, data)
    assert result.messages() == ["第3行，“数值”列：“约300”不是数字。"]
    data = data_without_rows(data, keep=2)
    result = run(PreviousYearResultResource, plan, superuser, data)
    assert [r.import_type for r in result.rows] == ["update"]
    assert PreviousYearResult.objects.get().growth_pct == D("8.5")


# The admin: permission, preview, confirm, the upload kept in the database between them.


@pytest.fixture
def statistician(db):
    return make_user("stats", role=roles.STATISTICIAN)


def test_staff_without_the_import_permission_cannot_import(client, django_user_model, plan):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_progressrecord"))
    client.force_login(user)
    assert client.get(reverse("admin:tracking_progressrecord_import")).status_code == 403
    upload = SimpleUploadedFile("p.csv", csv_bytes([HEADER]))
    response = client.post(
        reverse("admin:tracking_progressrecord_import"),
        {"plan": plan.pk, "format": 1, "resource": 0, "import_file": upload},
    )
    assert response.status_code == 403


def test_preview_then_confirm_writes_every_row_once(client, statistician, plan, targets):
    client.force_login(statistician)
    data = xlsx(
        [
            HEADER,
            ["A2", None, None, "2022-03-31", 2, None, ""],
            ["A1", None, None, "2022-03-31", "1.2亿元", None, ""],
        ]
    )
    response = client.post(
        reverse("admin:tracking_progressrecord_import"),
        {
            "plan": plan.pk,
            "format": 0,
            "resource": 0,
            "import_file": SimpleUploadedFile("进度.xlsx", data),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "新增 2 行，更新 0 行，未变 0 行" in page
    assert not ProgressRecord.objects.exists(), "the preview writes nothing"
    pending = PendingImport.objects.get()
    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:tracking_progressrecord_process_import"), confirm)
    assert response.status_code == 302
    assert ProgressRecord.objects.count() == 2
    assert not PendingImport.objects.filter(pk=pending.pk).exists()
    assert ImportRun.objects.get().imported_by == statistician


def test_preview_lists_errors_with_row_and_column_and_offers_no_confirm(
    client, statistician, plan, targets
):
    client.force_login(statistician)
    data = csv_bytes([["标题"], HEADER, ["A9", None, None, "2022-03-31", 2, None, ""]], "gbk")
    response = client.post(
        reverse("admin:tracking_progressrecord_import"),
        {
            "plan": plan.pk,
            "format": 1,
            "resource": 0,
            "import_file": SimpleUploadedFile("进度.csv", data),
        },
    )
    page = response.content.decode()
    assert "第3行，“目标编号”列：本计划中没有编号为“A9”的目标任务。" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None


def test_an_oversized_upload_is_refused_by_the_form(client, statistician, plan, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    client.force_login(statistician)
    response = client.post(
        reverse("admin:tracking_progressrecord_import"),
        {
            "plan": plan.pk,
            "format": 1,
            "resource": 0,
            "import_file": SimpleUploadedFile("a.csv", b"x" * 200),
        },
    )
    assert "超过了0.0 MB的上限" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_history_is_written_for_bulk_imports(plan, targets, superuser):
    data = xlsx([HEADER, ["A2", None, None, "2022-03-31", 2, None, ""]])
    run(ProgressRecordResource, plan, superuser, data)
    assert ProgressRecord.history.filter(history_user=superuser).count() == 1


@pytest.mark.parametrize("model", ["target", "progressrecord", "previousyearresult"])
def test_import_page_list_and_template_open_for_an_administrator(admin_client, plan, model):
    page = admin_client.get(reverse(f"admin:tracking_{model}_import"))
    assert page.status_code == 200
    assert "下载导入模板" in page.content.decode()
    assert admin_client.get(reverse(f"admin:tracking_{model}_changelist")).status_code == 200
    template = admin_client.get(reverse(f"admin:tracking_{model}_import_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_imported_records_enter_review_with_a_trail_and_a_new_version(plan, targets, superuser):
    from tracking.models import ReviewEvent

    draft = make_record(
        targets["firms"], datetime.date(2022, 3, 31), value=D(1), state=ProgressRecord.State.DRAFT
    )
    data = xlsx(
        [
            HEADER,
            ["A2", None, None, "2022-03-31", 2, None, ""],
            ["A3", None, None, "2022-03-31", 10, None, ""],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [], result.messages()
    draft.refresh_from_db()
    assert (draft.value, draft.state, draft.version) == (D(2), "submitted", 2)
    events = ReviewEvent.objects.order_by("record__target__code")
    assert [(e.record.target.code, e.from_state, e.to_state, e.actor) for e in events] == [
        ("A2", "draft", "submitted", superuser),
        ("A3", "draft", "submitted", superuser),
    ]


def test_rows_for_targets_outside_the_users_units_are_unknown(plan, targets):
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    targets["firms"].responsible_unit = unit
    targets["firms"].save()
    # A reporter given the import permission by hand still reaches only the unit's targets.
    reporter = make_user("reporter", role=roles.REPORTER, units=[unit])
    reporter.user_permissions.add(Permission.objects.get(codename="import_progressrecord"))
    data = xlsx(
        [
            HEADER,
            ["A2", None, None, "2022-03-31", 2, None, ""],
            ["A3", None, None, "2022-03-31", 10, None, ""],
        ]
    )
    result = run(ProgressRecordResource, plan, reporter, data)
    assert result.messages() == ["第3行，“目标编号”列：本计划中没有编号为“A3”的目标任务。"]
    assert not ProgressRecord.objects.exists()


# Workbooks as township clerks make them in WPS and Excel (issue 12).

MARCH_31 = datetime.date(2022, 3, 31)


def test_a_column_the_file_lacks_leaves_the_stored_field_alone(plan, targets, superuser):
    record = make_record(
        targets["firms"], MARCH_31, value=D(2), note="已签约2家", shortfall_reason="疫情",
        state=ProgressRecord.State.RETURNED,
    )  # fmt: skip
    data = xlsx([["目标编号", "截至日期", "累计实际值"], ["A2", "2022-03-31", 3]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.totals["update"]) == ([], 1)
    record.refresh_from_db()
    assert (record.value, record.note, record.shortfall_reason) == (D(3), "已签约2家", "疫情")


def test_only_a_present_empty_cell_clears_a_field_and_the_preview_shows_it(
    plan, targets, superuser
):
    record = make_record(
        targets["firms"], MARCH_31, value=D(2), note="已签约2家",
        state=ProgressRecord.State.RETURNED,
    )  # fmt: skip
    data = xlsx([["目标编号", "截至日期", "累计实际值", "情况说明"], ["A2", "2022-03-31", 2, None]])
    preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
    assert [r.import_type for r in preview.rows] == ["update"]
    assert preview.rows[0].fields == [
        ("累计实际值", "2", "2家", "2家", ""),
        ("情况说明", "（空）", "（空）", "已签约2家", ""),
    ]
    run(ProgressRecordResource, plan, superuser, data)
    record.refresh_from_db()
    assert record.note == ""


def test_a_target_file_with_a_few_columns_updates_only_those(plan, superuser):
    target = make_target(
        plan, "B1", name="固定资产投资", measure_unit="亿元", target_value=D("1.4"), position=3,
        source_text="完成固定资产投资1.4亿元", report_conflict="正文与附表不一致",
    )  # fmt: skip
    data = xlsx([["编号", "目标值（万元）"], ["B1", "15,000"]])
    result = run(TargetResource, plan, superuser, data)
    assert (result.messages(), result.totals["update"]) == ([], 1)
    target.refresh_from_db()
    assert (target.target_value, target.position, target.name, target.kind) == (
        D("1.5"), 3, "固定资产投资", Target.Kind.AMOUNT,
    )  # fmt: skip
    assert (target.source_text, target.report_conflict) == (
        "完成固定资产投资1.4亿元",
        "正文与附表不一致",
    )


def test_a_new_target_names_the_columns_it_needs_and_a_file_without_codes_is_refused(
    plan, superuser
):
    make_target(plan, "B1", measure_unit="亿元", target_value=D("1.4"))
    data = xlsx([["编号", "目标值"], ["B1", 2], ["B9", 3]])
    result = run(TargetResource, plan, superuser, data)
    assert result.messages() == [
        "第3行：这是新增的记录，需要文件中有“任务领域”、“目标名称”、“类型”、“报告原文”列。"
    ]
    result = run(TargetResource, plan, superuser, xlsx([["目标名称", "类型"], ["某目标", "增长"]]))
    assert result.messages() == ["缺少必需的列：编号。请使用下载的模板。"]
    assert Target.objects.get().target_value == D("1.4")


def test_previous_year_results_keep_what_the_file_does_not_mention(plan, superuser):
    PreviousYearResult.objects.create(
        plan=plan, section="一", position=1, name="地区生产总值", value=D("17.1"),
        measure_unit="亿元", growth_pct=D("8.5"), source_text="全镇地区生产总值17.1亿元",
    )  # fmt: skip
    data = xlsx([["指标名称", "数值（万元）"], ["地区生产总值", 172000]])
    result = run(PreviousYearResultResource, plan, superuser, data)
    assert result.messages() == []
    stored = PreviousYearResult.objects.get()
    assert (stored.value, stored.growth_pct, stored.source_text, stored.position) == (
        D("17.2"), D("8.5"), "全镇地区生产总值17.1亿元", 1,
    )  # fmt: skip


def test_merged_titles_areas_and_dates_and_a_two_row_header_are_read_as_the_clerk_sees_them(
    plan, targets, superuser
):
    data = workbook(
        {
            "title": "一季度",
            "rows": [
                ["港门镇2022年一季度重点目标任务完成情况"],
                ["目标编号", "任务领域", "目标名称", "截至日期", "本年累计", None, "情况说明"],
                [None, None, None, None, "实际值（万元）", "增速（%）", None],
                ["一、主要目标"],
                [None, "主要目标", "固定资产投资", "2022年3月", 7000, None, "一季度"],
                [None, None, "引进企业", None, "3家", None, ""],
                ["M1", None, None, None, None, "6.5%", ""],
                ["小计", None, None, None, 7003, None, None],
                ["填表人：张三", None, None, "审核人：李四"],
                ["说明：数据为快报数"],
                ["备注：实际值为累计数"],
            ],
            "merged": [
                "A1:G1",
                "A2:A3",
                "B2:B3",
                "C2:C3",
                "D2:D3",
                "E2:F2",
                "G2:G3",
                "A4:G4",
                "B5:B7",
                "D5:D7",
                "A10:G10",
            ],  # fmt: skip
        }
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [], result.messages()
    assert (result.sheet_name, result.header_numbers) == ("一季度", (2, 3))
    assert result.imported_columns == [
        "目标编号", "任务领域", "目标名称", "截至日期", "本年累计/实际值（万元）",
        "本年累计/增速（%）", "情况说明",
    ]  # fmt: skip
    assert result.skipped_rows == [
        (4, "分节标题行，已跳过"),
        (8, "合计行，已跳过"),
        (9, "表尾或备注行，已跳过"),
        (10, "表尾或备注行，已跳过"),
        (11, "表尾或备注行，已跳过"),
    ]
    records = {r.target.code: r for r in ProgressRecord.objects.select_related("target")}
    assert {code: (r.as_of, r.value, r.growth_pct) for code, r in records.items()} == {
        "A1": (MARCH_31, D("0.7"), None),
        "A2": (MARCH_31, D(3), None),
        "M1": (MARCH_31, None, D("6.5")),
    }


def test_styled_empty_rows_neither_count_toward_the_limit_nor_give_errors(
    settings, plan, targets, superuser
):
    settings.IMPORT_MAX_ROWS = 3
    data = workbook(
        {
            "title": "进度",
            "rows": [["目标编号", "截至日期", "累计实际值"], ["A2", "2022-03-31", 3]],
            "styled_rows": range(3, 200),
        }
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.totals["new"]) == ([], 1)


def test_cells_beyond_the_column_limit_of_a_workbook_are_not_read_and_gaps_keep_their_columns(
    settings,
):
    settings.IMPORT_MAX_COLUMNS = 4
    data = xlsx(
        [
            ["A2", None, "2022-03-31", 3, "第五列", None, "第七列"],
            [None, None, None, None, "只在第五列"],
            [None, "B1"],
        ]
    )
    # The second row holds nothing within the four columns read: it is blank, and left out.
    assert list(read_rows(data)) == [(1, ["A2", None, "2022-03-31", 3]), (3, [None, "B1"])]


def test_headers_with_line_breaks_invisible_characters_synonyms_and_units_are_recognised(
    plan, targets, superuser
):
    data = xlsx(
        [
            [
                "\ufeff指标编号",
                "截止\u200b日期",
                "累计完成\n（单位：万元）",
                "增速 单位:%",
                "进展\u00a0情况",
                "填报科室",
            ],
            ["A1\u00a0", "2022\u200b-03-31", "7\u200b000", None, "一季度", "经发办"],
            ["M1", "2022-03-31", None, "6.5", "", "经发办"],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [], result.messages()
    assert result.imported_columns == [
        "指标编号", "截止日期", "累计完成（单位：万元）", "增速单位:%", "进展情况",
    ]  # fmt: skip
    assert result.ignored_columns == ["填报科室"]
    records = {r.target.code: r for r in ProgressRecord.objects.select_related("target")}
    assert (records["A1"].value, records["A1"].note) == (D("0.7"), "一季度")
    assert records["M1"].growth_pct == D("6.5")


def test_the_spelling_in_the_template_wins_over_a_synonym_in_the_same_file(
    plan, targets, superuser
):
    data = xlsx([["目标编号", "日期", "截至日期", "累计实际值"], ["A2", "2022-01-31", MARCH_31, 3]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.ignored_columns) == ([], ["日期"])
    assert ProgressRecord.objects.get().as_of == MARCH_31


def test_the_visible_active_sheet_is_read_not_a_hidden_first_sheet(plan, targets, superuser):
    data = workbook(
        {"title": "旧数据", "rows": [HEADER, ["A2", None, None, "2021-12-31", 9]], "hidden": True},
        {"title": "三月", "rows": [HEADER, ["A2", None, None, "2022-03-31", 3]]},
        active=1,
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.sheet_name) == ([], "三月")
    assert ProgressRecord.objects.get().value == D(3)
    # A workbook saved with the hidden sheet as its active one opens on the first visible one.
    workbook_xml = read_member(data, "xl/workbook.xml").replace(b'activeTab="1"', b'activeTab="0"')
    data = with_extra_member(data, "xl/workbook.xml", workbook_xml)
    assert read_rows(data).sheet_name == "三月"


def test_a_missing_header_names_the_sheet_searched_and_offers_the_one_that_has_it(
    plan, targets, superuser
):
    data = workbook(
        {"title": "封面", "rows": [["港门镇2022年一季度报表"]]},
        {"title": "进度表", "rows": [HEADER, ["A2", None, None, "2022-03-31", 3]]},
        {"title": "说明", "rows": [["填表说明"]]},
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [
        "在工作表“封面”的前20行中没有找到表头；工作表“进度表”中有表头。"
        "请在 Excel 或 WPS 中切换到工作表“进度表”后保存，再导入。"
    ]
    nowhere = workbook({"title": "封面", "rows": [["报表"]]}, {"title": "说明", "rows": [["无"]]})
    result = run(ProgressRecordResource, plan, superuser, nowhere)
    assert result.messages() == [
        "在工作表“封面”、“说明”的前20行中没有找到表头。请使用下载的模板，或检查列名是否正确。"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            encrypted(xlsx([HEADER, ["A2", None, None, "2022-03-31", 3]])),
            "该工作簿设置了打开密码（已加密），无法读取。"
            "请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再导入。",
        ),
        (
            compound_file("Root Entry", "Workbook", "SummaryInformation"),
            "不支持旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV。",
        ),
        (
            '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>'
            "<tr><td>目标编号</td><td>截至日期</td></tr></table></body></html>".encode(),
            "该文件是网页（HTML）表格，只是扩展名为 .xls。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。",
        ),
        (
            b"\xef\xbb\xbf\r\n<!DOCTYPE html><table><tr><td>1</td></tr></table>",
            "该文件是网页（HTML）表格，只是扩展名为 .xls。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。",
        ),
        (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            b"<Worksheet/></Workbook>",
            "该文件是 Excel 2003 XML 表格，不是 .xlsx。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。",
        ),
    ],
    ids=["encrypted xlsx", "real xls", "html saved as xls", "html with bom", "xml spreadsheet"],
)
def test_files_that_are_not_xlsx_are_named_for_what_they_are(data, message):
    with pytest.raises(SpreadsheetError) as raised:
        read_rows(data)
    assert str(raised.value) == message


def test_placeholders_read_as_blank_where_the_field_is_optional(plan, superuser):
    target = make_target(plan, "Q1", kind=Target.Kind.MILESTONE, name="创文")
    make_stages(target)
    firms = make_target(plan, "A2", name="引进企业")
    data = xlsx(
        [
            ["目标编号", "截至日期", "累计实际值", "累计增速（%）", "已完成阶段", "情况说明"],
            ["A2", "2022-03-31", 3, "—", "/", "无"],
            ["Q1", "2022-03-31", "-", "无", "阶段1", ""],
            ["A2", "2022-04-30", "——", None, None, ""],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == ["第4行，“累计实际值”列：请填写累计实际值。"]
    data = data_without_rows(data, keep=3)
    run(ProgressRecordResource, plan, superuser, data)
    stored = {
        r.target.code: r for r in ProgressRecord.objects.select_related("target", "milestone")
    }
    assert (stored["A2"].value, stored["A2"].growth_pct, stored["A2"].milestone) == (
        D(3),
        None,
        None,
    )
    assert stored["A2"].note == "无", "free text is kept as typed"
    assert (stored["Q1"].value, stored["Q1"].milestone.name) == (None, "阶段1")
    assert firms.records.count() == 1


def test_scientific_notation_conversion_and_float_noise_are_rounded_and_shown(plan, superuser):
    invest = make_target(plan, "A1", name="固定资产投资", measure_unit="亿元")
    land = make_target(plan, "A3", name="撂荒地复耕", measure_unit="亩")
    gdp = make_target(plan, "M1", kind=Target.Kind.GROWTH, name="地区生产总值")
    data = csv_bytes(
        [
            ["目标编号", "截至日期", "累计实际值", "计量单位", "累计增速（%）"],
            ["A1", "2022-03-31", "1.23457E+11", "元", ""],
            ["A1", "2022-04-30", "123,456,789", "元", ""],
            ["A3", "2022-03-31", "0.123456789", "万亩", ""],
            ["M1", "2022-03-31", "", "", "6.123"],
        ]
    )
    preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
    assert preview.messages() == []
    assert [r.fields[0] for r in preview.rows] == [
        ("累计实际值", "1.23457E+11", "1234.57亿元", None, "由元换算为亿元"),
        ("累计实际值", "123,456,789", "1.2346亿元", None,
         "由元换算为亿元，四舍五入为1.2346（保留4位小数）"),
        ("累计实际值", "0.123456789", "1234.5679亩", None,
         "由万亩换算为亩，四舍五入为1234.5679（保留4位小数）"),
        ("累计实际值", "（空）", "（空）", None, ""),
    ]  # fmt: skip
    assert preview.rows[3].fields[1] == (
        "累计增速（%）", "6.123", "6.12%", None, "四舍五入为6.12（保留2位小数）"
    )  # fmt: skip
    run(ProgressRecordResource, plan, superuser, data)
    assert sorted(invest.records.values_list("value", flat=True)) == [D("1.2346"), D("1234.57")]
    assert land.records.get().value == D("1234.5679")
    assert gdp.records.get().growth_pct == D("6.12")


def test_float_noise_from_a_workbook_is_rounded_to_the_stored_places(plan, targets, superuser):
    noisy = 8.1 + 0.2  # 8.299999999999999, as a pasted formula result is stored
    data = xlsx([["目标编号", "截至日期", "累计实际值"], ["A1", "2022-03-31", noisy]])
    preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
    assert preview.rows[0].fields == [
        ("累计实际值", repr(noisy), "8.3亿元", None, "四舍五入为8.3（保留4位小数）")
    ]
    run(ProgressRecordResource, plan, superuser, data)
    assert ProgressRecord.objects.get().value == D("8.3")


def test_a_figure_beyond_the_fields_limits_is_refused_in_chinese_with_the_figure_as_typed(
    plan, targets, superuser
):
    data = csv_bytes(
        [
            ["目标编号", "截至日期", "累计实际值（亿元）", "累计增速（%）"],
            ["A1", "2022-03-31", "1.5E+12", ""],
            ["A1", "2022-04-30", "99,999,999,999,999,999万元", ""],
            ["M1", "2022-03-31", "", "123456"],
            ["A1", "2022-05-31", "-2", ""],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert result.messages() == [
        "第2行，“累计实际值（亿元）”列：“1.5E+12”超出该列可以记录的范围：整数部分最多12位。",
        "第3行，“累计实际值（亿元）”列：“99,999,999,999,999,999万元”换算为亿元后是"
        "9999999999999.9999，超出该列可以记录的范围：整数部分最多12位。",
        "第4行，“累计增速（%）”列：“123456”超出该列可以记录的范围：整数部分最多5位。",
        "第5行，“累计实际值（亿元）”列：累计实际值不能为负数（填写的是“-2”）。",
    ]


def test_the_admin_preview_shows_the_sheet_header_columns_and_what_each_row_writes(
    client, statistician, plan, targets
):
    make_record(targets["invest"], MARCH_31, value=D("0.5"), state=ProgressRecord.State.RETURNED)
    client.force_login(statistician)
    data = workbook(
        {
            "title": "三月进度",
            "rows": [
                ["2022年3月进度表"],
                ["目标编号", "截止日期", "累计实际值（万元）", "填报科室"],
                ["A1", "2022-03-31", "7,000", "经发办"],
                ["A2", "2022-03-31", "3家", "经发办"],
                ["填表人：张三"],
            ],
        }
    )
    response = client.post(
        reverse("admin:tracking_progressrecord_import"),
        {
            "plan": plan.pk,
            "format": 0,
            "resource": 0,
            "import_file": SimpleUploadedFile("进度.xlsx", data),
        },
    )
    page = response.content.decode()
    for shown in (
        "<dt>工作表</dt><dd>三月进度</dd>",
        "<dt>表头所在行</dt><dd>第2行</dd>",
        "<dt>导入的列</dt><dd>目标编号、截止日期、累计实际值（万元）</dd>",
        "<dt>忽略的列（不导入）</dt><dd>填报科室</dd>",
        '<li>累计实际值（万元）：“<span class="figure">7,000</span>” → '
        '<span class="figure">0.5亿元</span> → <strong class="figure">0.7亿元</strong>'
        "（由万元换算为亿元）</li>",
        '<li>累计实际值（万元）：“<span class="figure">3家</span>” → '
        '<span class="figure">3家</span></li>',
        "<td>5</td><td>跳过</td><td>表尾或备注行，已跳过</td>",
    ):
        assert shown in page, shown
    assert not ProgressRecord.objects.filter(value=D("0.7")).exists(), "the preview writes nothing"


def test_a_unit_stated_above_the_table_is_the_unit_of_figures_that_name_none(
    plan, targets, superuser
):
    data = xlsx(
        [
            ["港门镇重点项目进度", None, "单位：万元"],
            ["目标编号", "截至日期", "累计实际值", "计量单位"],
            ["A1", "2022-03-31", 7000, None],
            ["A2", "2022-03-31", 3, "家"],
            ["A3", "2022-03-31", "800亩", None],
        ]
    )
    preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
    assert (preview.messages(), preview.sheet_unit) == ([], "万元")
    assert [r.fields[0][2:] for r in preview.rows] == [
        ("0.7亿元", None, "由万元换算为亿元"),
        ("3家", None, ""),
        ("800亩", None, ""),
    ]


def test_a_group_heading_over_blank_cells_in_a_csv_covers_its_sub_columns(plan, targets, superuser):
    data = csv_bytes(
        [
            ["目标编号", "截至日期", "本年累计", "", "情况说明"],
            ["", "", "实际值（万元）", "增速（%）", ""],
            ["A1", "2022-03-31", "7000", "", "一季度"],
            ["M1", "2022-03-31", "", "6.5", ""],
        ]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.header_numbers) == ([], (1, 2))
    assert result.imported_columns == [
        "目标编号", "截至日期", "本年累计/实际值（万元）", "本年累计/增速（%）", "情况说明",
    ]  # fmt: skip
    records = {r.target.code: r for r in ProgressRecord.objects.select_related("target")}
    assert (records["A1"].value, records["M1"].growth_pct) == (D("0.7"), D("6.5"))


def test_a_text_only_data_row_under_the_header_is_not_taken_for_sub_headers(plan, superuser):
    target = make_target(plan, "Q1", kind=Target.Kind.MILESTONE, name="创文")
    make_stages(target)
    data = xlsx([["目标编号", "截至日期", "已完成阶段"], ["Q1", "2022年3月", "阶段1"]])
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.header_numbers, result.totals["new"]) == ([], (1,), 1)
    # Under an unknown header (附注) the cell "备注" would name a known column: still data.
    data = xlsx(
        [["目标编号", "截至日期", "已完成阶段", "附注"], ["Q1", "2022年4月", "阶段2", "备注"]]
    )
    result = run(ProgressRecordResource, plan, superuser, data)
    assert (result.messages(), result.header_numbers, result.totals["new"]) == ([], (1,), 1)
    assert result.ignored_columns == ["附注"]


def test_the_preview_of_updates_costs_the_same_queries_for_few_rows_or_many(plan, superuser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = make_target(plan, "Q1", kind=Target.Kind.MILESTONE, name="创文")
    first = make_stages(target)[0]
    days = [datetime.date(2022, month, 28) for month in range(1, 7)]
    for day in days:
        make_record(target, day, milestone=first, state=ProgressRecord.State.RETURNED)
    counts = []
    for how_many in (2, 6):
        data = xlsx(
            [["目标编号", "截至日期", "已完成阶段"]]
            + [["Q1", day, "阶段2"] for day in days[:how_many]]
        )
        with CaptureQueriesContext(connection) as queries:
            preview = run(ProgressRecordResource, plan, superuser, data, dry_run=True)
        assert preview.rows[0].fields == [("已完成阶段", "阶段2", "2. 阶段2", "1. 阶段1", "")]
        counts.append(len(queries))
    assert counts[0] == counts[1], f"queries per row in the preview: {counts}"


def test_placeholders_in_a_target_file_leave_optional_fields_blank(plan, superuser):
    Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    data = xlsx(
        [
            [
                "编号",
                "任务领域",
                "目标名称",
                "类型",
                "计量单位",
                "基数（上年实际）",
                "目标值",
                "定额周期",
                "完成期限",
                "责任单位",
                "报告原文",
            ],
            ["B1", "主要目标", "引进企业", "累计完成量", "家", "—", 5, "/", "无", "-", "引进5家"],
        ]
    )
    result = run(TargetResource, plan, superuser, data)
    assert result.messages() == []
    target = Target.objects.get(code="B1")
    assert (target.baseline_value, target.quota_period, target.responsible_unit) == (None, "", None)
    assert target.deadline == plan.ends_on, "a blank deadline is the plan's end"


def test_a_rule_broken_by_a_field_the_file_lacks_names_that_field(plan, superuser):
    make_target(plan, "B1", target_value=D(5))
    Target.objects.filter(code="B1").update(source_text="")  # a record from before the rule
    result = run(TargetResource, plan, superuser, xlsx([["编号", "目标值"], ["B1", 6]]))
    assert result.messages() == ["第2行：“报告原文”：此字段不能为空。"]
