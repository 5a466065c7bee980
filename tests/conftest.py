"""Personas and small factories; the full Gangmen data set is loaded only by tests about it."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from tests.csp import inline_code
from tracking.models import (
    Jurisdiction,
    Milestone,
    Plan,
    PreviousYearResult,
    ProgressRecord,
    Target,
    TargetAssessment,
    TaskArea,
)

REPORT_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "gangmen_2022.toml"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Third-party admin templates that carry a purely cosmetic inline style the browser drops under
# our CSP (nothing breaks): Django's change list without actions, import-export's export form
# and simple-history's history list. Our own templates get no such allowance.
THIRD_PARTY_INLINE_STYLES = {
    "<style> block",
    'style="padding: 0;" on <p>',
    'style="font-weight: bold;" on <label>',
    'style="border-top: 0" on <p>',
}


@pytest.fixture(autouse=True)
def _every_page_is_csp_clean(monkeypatch):
    """Every HTML page the suite renders carries the CSP header and needs no inline code."""
    original_request = Client.request

    def request(self, **request):
        response = original_request(self, **request)
        if response.get("Content-Type", "").startswith("text/html"):
            path = request.get("PATH_INFO", "")
            policy = response.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy, f"{path}: no strict CSP header ({policy!r})"
            assert "unsafe-inline" not in policy, f"{path}: CSP allows inline code"
            if not response.streaming:
                found = inline_code(response.content.decode(errors="replace"))
                if path.startswith("/admin/"):
                    found = [item for item in found if item not in THIRD_PARTY_INLINE_STYLES]
                assert not found, f"{path}: the CSP would block {found}"
        return response

    monkeypatch.setattr(Client, "request", request)


def make_plan(year=2022, slug="testtown", name="测试镇"):
    jurisdiction, _ = Jurisdiction.objects.get_or_create(slug=slug, defaults={"name": name})
    plan = Plan.objects.create(
        jurisdiction=jurisdiction,
        year=year,
        title=f"{name}{year}年政府工作报告",
        report_date=datetime.date(year, 3, 18),
        source="测试数据",
    )
    TaskArea.objects.create(plan=plan, position=0, title="主要目标")
    return plan


def make_target(plan, code="T1", kind=Target.Kind.AMOUNT, **fields):
    defaults = {
        "area": plan.areas.first(),
        "name": f"目标{code}",
        "measure_unit": "家",
        "source_text": "测试原文",
    }
    if kind == Target.Kind.GROWTH:
        defaults["target_growth_pct"] = Decimal(7)
    elif kind == Target.Kind.QUOTA:
        defaults.update(target_value=Decimal(2), quota_period=Target.Period.MONTH)
    elif kind != Target.Kind.MILESTONE:
        defaults["target_value"] = Decimal(5)
    target = Target(plan=plan, code=code, kind=kind, **{**defaults, **fields})
    target.full_clean()
    target.save()
    return target


def make_stages(target, count=3):
    return [
        Milestone.objects.create(target=target, position=n, name=f"阶段{n}")
        for n in range(1, count + 1)
    ]


def make_record(target, as_of, state=ProgressRecord.State.PUBLISHED, **fields):
    record = ProgressRecord(target=target, as_of=as_of, state=state, **fields)
    record.full_clean()
    record.save()
    return record


@pytest.fixture
def plan(db):
    return make_plan()


# The Gangmen report is loaded once per test session: load_report runs in a transaction that is
# rolled back, and the rows it wrote are kept; each test that asks for the report gets exactly
# those rows inserted again (raw, as loaddata does), so every other test still starts from an
# empty database. The loaded rows are numbered from REPORT_FIRST_PK so that they never clash with
# rows a test wrote before asking for the report, on SQLite and on PostgreSQL alike.
REPORT_FIRST_PK = 1_000_000
AUTO_PRIMARY_KEYS = {"AutoField", "BigAutoField", "SmallAutoField"}


def _numbered_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.pk.get_internal_type() in AUTO_PRIMARY_KEYS
    ]


def _keyed_by_a_numbered_row():
    """Models whose primary key is another row's (a target's stored assessment): their rows of
    the report are those whose key is one of the report's numbered rows."""
    return [
        model for model in apps.get_models() if model._meta.managed and model._meta.pk.is_relation
    ]


def _number_new_rows_from(first_pk, models):
    """Make the next row of every table get a primary key of at least first_pk."""
    with connection.cursor() as cursor:
        for model in models:
            table, column = model._meta.db_table, model._meta.pk.column
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first_pk - 1]
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                    [connection.ops.quote_name(table), column, first_pk],
                )
            else:
                raise NotImplementedError(f"no sequence numbering for {connection.vendor}")


@pytest.fixture(scope="session")
def _report_rows(django_db_setup, django_db_blocker):
    """Every row load_report writes, by model, read back from a rolled-back load."""
    models = _numbered_models()
    with django_db_blocker.unblock(), transaction.atomic():
        _number_new_rows_from(REPORT_FIRST_PK, models)
        call_command("load_report", REPORT_DATA, verbosity=0)
        rows = [
            (model, list(model._base_manager.filter(pk__gte=REPORT_FIRST_PK)))
            for model in [*models, *_keyed_by_a_numbered_row()]
        ]
        transaction.set_rollback(True)
    return [(model, objects) for model, objects in rows if objects]


@pytest.fixture
def gangmen(db, _report_rows):
    """The Gangmen 2022 plan exactly as load_report writes it (foreign keys are checked at the
    end of the transaction on both databases, so the tables' order does not matter)."""
    with transaction.atomic():
        for model, objects in _report_rows:
            fields = model._meta.local_concrete_fields
            batch = connection.ops.bulk_batch_size(fields, objects) or len(objects)
            for start in range(0, len(objects), batch):
                model._base_manager._insert(objects[start : start + batch], fields, raw=True)
    return Plan.objects.get(jurisdiction__slug="gangmen", year=2022)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")


# Personas of the officials' workflow: two units, one target led by each, one led by B with A
# as co-unit, and a user for every role (leader_a's portfolio is unit A; leader has none, so all).


def make_user(username, role=None, units=(), **fields):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=True, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    for unit in units:
        unit.members.add(user)
    return user


@pytest.fixture
def office(plan):
    """Units A and B with their targets, and a user of every role."""
    from types import SimpleNamespace

    from tracking import roles
    from tracking.models import Unit

    unit_a = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    unit_b = Unit.objects.create(jurisdiction=plan.jurisdiction, name="农业农村办")
    target_co = make_target(plan, "C1", name="配合目标", responsible_unit=unit_b)
    target_co.co_units.add(unit_a)
    return SimpleNamespace(
        plan=plan,
        unit_a=unit_a,
        unit_b=unit_b,
        target_a=make_target(plan, "A1", name="甲单位目标", responsible_unit=unit_a),
        target_b=make_target(plan, "B1", name="乙单位目标", responsible_unit=unit_b),
        target_co=target_co,
        admin=make_user("admin_role", roles.ADMINISTRATOR),
        leader=make_user("leader", roles.LEADER),
        leader_a=make_user("leader_a", roles.LEADER, [unit_a]),
        reporter_a=make_user("reporter_a", roles.REPORTER, [unit_a]),
        reporter_b=make_user("reporter_b", roles.REPORTER, [unit_b]),
        statistician=make_user("statistician", roles.STATISTICIAN),
        observer=make_user("observer", roles.OBSERVER),
        outsider=make_user("outsider"),
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public responses must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_large_plan(areas=5, targets_per_area=60, months=12):
    """A generated plan far larger than Gangmen's: a third each of amount, growth and staged
    targets, each with a published record at the end of every month. Written in bulk."""
    plan = make_plan(slug="bigtown", name="大镇")
    plan.areas.all().delete()
    area_rows = TaskArea.objects.bulk_create(
        TaskArea(plan=plan, position=n, numeral=f"（{n}）", title=f"领域{n}")
        for n in range(1, areas + 1)
    )
    kinds = [Target.Kind.AMOUNT, Target.Kind.GROWTH, Target.Kind.MILESTONE]
    targets = Target.objects.bulk_create(
        Target(
            plan=plan,
            area=area,
            code=f"G{area.position}-{n:02d}",
            position=n,
            name=f"生成目标{area.position}-{n}",
            kind=kinds[n % 3],
            measure_unit="万元",
            target_value=None if kinds[n % 3] != Target.Kind.AMOUNT else Decimal(1200),
            target_growth_pct=Decimal(7) if kinds[n % 3] == Target.Kind.GROWTH else None,
            starts_on=plan.starts_on,
            deadline=plan.ends_on,
            source_text="生成的测试数据，非报告内容",
        )
        for area in area_rows
        for n in range(1, targets_per_area + 1)
    )
    stages = {
        target.pk: Milestone.objects.bulk_create(
            Milestone(target=target, position=n, name=f"阶段{n}") for n in (1, 2, 3)
        )
        for target in targets
        if target.kind == Target.Kind.MILESTONE
    }

    def figure(target, month):
        if target.kind == Target.Kind.AMOUNT:
            return {"value": Decimal(100 * month)}
        if target.kind == Target.Kind.GROWTH:
            return {"growth_pct": Decimal("6.5")}
        return {"milestone": stages[target.pk][min((month - 1) // 4, 2)]}

    records = [
        ProgressRecord(
            target=target,
            as_of=datetime.date(plan.year, month, 28),
            state=ProgressRecord.State.PUBLISHED,
            **figure(target, month),
        )
        for target in targets
        for month in range(1, months + 1)
    ]
    ProgressRecord.objects.bulk_create(records)
    # Bulk writes send no signals: store the assessments as the bulk writers of the app do.
    TargetAssessment.objects.refresh(Target.objects.filter(plan=plan))
    PreviousYearResult.objects.bulk_create(
        PreviousYearResult(
            plan=plan,
            section=f"段落{n % 10}",
            position=n,
            name=f"成果{n}",
            value=Decimal(n),
            source_text="生成的测试数据",
        )
        for n in range(1, 201)
    )
    return plan
