"""The benchmark's page table keeps working as the site changes (the import benchmark once broke
silently when the access rule arrived)."""

import pytest
from django.core.management import call_command

from bench.pages import PAGES, sample_objects

pytestmark = pytest.mark.django_db


def test_every_page_in_the_bench_table_and_the_trivial_view_answer_on_synthetic_data(
    client, settings
):
    settings.ROOT_URLCONF = "bench.urls"
    call_command("generate_synthetic", size="S", verbosity=0)
    plan, target = sample_objects()
    for name, url_of in {**PAGES, "trivial": lambda plan, target: "/bench/trivial/"}.items():
        response = client.get(url_of(plan, target))
        assert response.status_code == 200, f"{name} answered {response.status_code}"
