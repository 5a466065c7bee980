"""Build synthetic plans for measuring speed at scale: the sizes of issue 6, from a seed.

Every target is shaped after one of the 66 targets of the real Gangmen report (its kind, area,
unit, direction, goal and stages) so that pages and queries see realistic data, but each row is
labelled: the jurisdictions are named 合成… with slugs ``synthetic-…`` and each plan's title says
the data are synthetic. Nothing is written into a real jurisdiction or plan.

Rows go in with bulk_create in batches (no save(), no history entries, no signals), so the
L size (1.8 million progress records) is a matter of minutes, not hours.
"""

import calendar
import datetime
import random
import time
import tomllib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tracking.management.commands.load_report import DEFAULT_STAGES
from tracking.models import (
    Jurisdiction,
    Milestone,
    Plan,
    ProgressRecord,
    Target,
    TargetAssessment,
    TaskArea,
)

SLUG_PREFIX = "synthetic-"
NAME_PREFIX = "合成"
TITLE_NOTE = "（合成数据，仅供性能测试，非真实报告）"
TEMPLATE_FILE = settings.BASE_DIR / "fixtures" / "gangmen_2022.toml"
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Size:
    jurisdictions: int
    years: int
    # None: exactly the Gangmen plan's targets, once each.
    targets_per_plan: int | None
    first_year: int

    @property
    def plans(self):
        return self.jurisdictions * self.years


SIZES = {
    # The Gangmen plan's structure with a year of monthly records: 66 × 12 = 792 records.
    "S": Size(jurisdictions=1, years=1, targets_per_plan=None, first_year=2022),
    # A county: 20 × 5 × 150 targets × 12 months = 180,000 records.
    "M": Size(jurisdictions=20, years=5, targets_per_plan=150, first_year=2020),
    # A city of many towns: 200 × 5 × 150 × 12 = 1,800,000 records.
    "L": Size(jurisdictions=200, years=5, targets_per_plan=150, first_year=2020),
}


def synthetic_plans():
    return Plan.objects.filter(jurisdiction__slug__startswith=SLUG_PREFIX)


def real_plans():
    """Plans not made by this command: the ones it must never sit beside unasked."""
    return Plan.objects.exclude(jurisdiction__slug__startswith=SLUG_PREFIX)


class Command(BaseCommand):
    help = (
        "生成合成数据（性能测试用）：S = 港门镇计划结构 + 一年月度记录；M = 20个行政区×5年×150项"
        "目标（约18万条记录）；L = 200个行政区（约180万条记录）。同一 --seed 生成相同数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="S")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有真实计划时仍然写入（合成数据只进入“合成”行政区）。",
        )

    def handle(self, *args, size, seed, force, **options):
        real = list(real_plans().select_related("jurisdiction")[:5])
        if real and not force:
            raise CommandError(
                f"未写入：数据库中已有真实计划（{'、'.join(map(str, real))}）。合成数据会出现在"
                "同一公众网站上，首页按最新年度显示计划，合成计划会顶替真实计划；性能测试请用"
                "单独的数据库。确需写入请加 --force。"
            )
        if synthetic_plans().exists():
            raise CommandError(
                "未写入：数据库中已有合成数据。同一种子的数据只生成一次；请在空数据库中重新生成。"
            )
        started = time.perf_counter()
        with transaction.atomic():
            counts = generate(SIZES[size], seed)
        with connection.cursor() as cursor:
            # Fresh planner statistics: without them PostgreSQL plans for the empty tables.
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        if options["verbosity"]:
            details = "，".join(f"{name} {count:,}" for name, count in counts.items())
            self.stdout.write(
                f"合成数据 {size}（种子 {seed}）：{details}；共 {rows:,} 行，"
                f"{seconds:.1f} 秒，{rows / seconds:,.0f} 行/秒。"
            )


def generate(size, seed):
    """Write one size of synthetic data; the caller holds the transaction."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets  # nosec B311
    templates = _read_templates()
    counts = dict.fromkeys(["jurisdictions", "plans", "targets", "milestones", "records"], 0)
    county = Jurisdiction.objects.create(
        name=f"{NAME_PREFIX}县", slug=f"{SLUG_PREFIX}county", level=Jurisdiction.Level.COUNTY
    )
    towns = Jurisdiction.objects.bulk_create(
        Jurisdiction(
            name=f"{NAME_PREFIX}镇{number:03d}",
            slug=f"{SLUG_PREFIX}town-{number:03d}",
            parent=county,
        )
        for number in range(1, size.jurisdictions + 1)
    )
    counts["jurisdictions"] = len(towns) + 1
    records = []
    for town in towns:
        for year in range(size.first_year, size.first_year + size.years):
            plan, targets, milestones = _plan(town, year, size, templates, rng)
            counts["plans"] += 1
            counts["targets"] += len(targets)
            counts["milestones"] += sum(len(stages) for stages in milestones.values())
            for target in targets:
                records.extend(_monthly_records(target, milestones.get(target.pk, []), rng))
            if len(records) >= BATCH_SIZE:
                counts["records"] += len(_insert(records))
                records = []
    counts["records"] += len(_insert(records))
    # Bulk writes send no signals: the stored assessments are computed here, a plan at a time.
    for plan in synthetic_plans():
        TargetAssessment.objects.refresh(Target.objects.filter(plan=plan))
    return counts


def _insert(records):
    return ProgressRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)


def _read_templates():
    return tomllib.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))


def _plan(town, year, size, templates, rng):
    plan = Plan.objects.create(
        jurisdiction=town,
        year=year,
        title=f"{town.name}{year}年政府工作报告{TITLE_NOTE}",
        report_date=datetime.date(year, 3, 18),
        source=f"generate_synthetic 生成的合成数据，结构取自港门镇2022年政府工作报告{TITLE_NOTE}",
    )
    areas = {
        row["position"]: TaskArea(
            plan=plan, position=row["position"], numeral=row["numeral"], title=row["title"]
        )
        for row in templates["areas"]
    }
    TaskArea.objects.bulk_create(areas.values())
    rows = templates["targets"]
    shapes = [
        (position, *divmod(position - 1, len(rows)))
        for position in range(1, (size.targets_per_plan or len(rows)) + 1)
    ]
    targets = Target.objects.bulk_create(
        [
            _target(plan, areas, position, rows[index], copy, rng)
            for position, copy, index in shapes
        ],
        batch_size=BATCH_SIZE,
    )
    stages = [
        Milestone(
            target=target, position=number, name=stage["name"], name_en=stage.get("name_en", "")
        )
        for target, (_, _, index) in zip(targets, shapes, strict=True)
        if target.kind == Target.Kind.MILESTONE
        for number, stage in enumerate(_stages(rows[index]), start=1)
    ]
    milestones = {}
    for stage in Milestone.objects.bulk_create(stages, batch_size=BATCH_SIZE):
        milestones.setdefault(stage.target_id, []).append(stage)
    return plan, targets, milestones


def _stages(row):
    """The stages the report names for the target, else the tracker's default three (as
    load_report gives them): each with its name in both languages."""
    return row.get("milestones") or DEFAULT_STAGES


def _target(plan, areas, position, row, copy, rng):
    """A target shaped like a real one; copies after the first get a number and a scaled goal."""
    scale = Decimal(1) if copy == 0 else Decimal(rng.randint(50, 200)) / 100
    figures = {
        name: (Decimal(row[name]) * scale).quantize(Decimal("0.01"))
        for name in ("baseline_value", "target_value")
        if name in row
    }
    if row.get("measure_unit") == "%" and "target_value" in figures:
        figures["target_value"] = min(figures["target_value"], Decimal(100))
    return Target(
        plan=plan,
        area=areas[row["area"]],
        code=row["code"] if copy == 0 else f"{row['code']}.{copy + 1}",
        position=position,
        name=row["name"] if copy == 0 else f"{row['name']}（{NAME_PREFIX}{copy + 1}）",
        kind=row["kind"],
        direction=row.get("direction", Target.Direction.INCREASE),
        measure_unit=row.get("measure_unit", ""),
        baseline_year=plan.review_year if "baseline_value" in row else None,
        target_growth_pct=Decimal(row["target_growth_pct"]) if "target_growth_pct" in row else None,
        quota_period=row.get("quota_period", ""),
        starts_on=plan.starts_on,
        deadline=plan.ends_on,
        source_text=f"合成数据：仿照“{row['source_text'][:60]}”",
        **figures,
    )


def _monthly_records(target, stages, rng):
    """A published record at the end of each month of the plan's year, at a plausible pace."""
    for month in range(1, 13):
        as_of = datetime.date(
            target.starts_on.year, month, calendar.monthrange(target.starts_on.year, month)[1]
        )
        pace = Decimal(month) / 12 * Decimal(rng.randint(70, 120)) / 100
        figures = {}
        if target.kind == Target.Kind.GROWTH:
            drift = Decimal(rng.randint(-300, 200)) / 100
            figures["growth_pct"] = target.target_growth_pct + drift
        elif target.kind == Target.Kind.MILESTONE:
            reached = max(1, min(len(stages), round(len(stages) * pace)))
            figures["milestone"] = stages[reached - 1]
        elif target.kind == Target.Kind.AMOUNT:
            figures["value"] = (target.target_value * pace).quantize(Decimal("0.01"))
        else:  # a level or a monthly quota: this month's figure around the goal
            factor = Decimal(rng.randint(80, 105)) / 100
            value = (target.target_value * factor).quantize(Decimal("0.01"))
            figures["value"] = min(value, Decimal(100)) if target.measure_unit == "%" else value
        yield ProgressRecord(
            target=target,
            as_of=as_of,
            state=ProgressRecord.State.PUBLISHED,
            note="合成数据",
            **figures,
        )
