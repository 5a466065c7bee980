"""50 visitors reading the public pages as fast as the server answers (`make bench` runs it
headless). BENCH_URLS lists the pages, separated by spaces."""

import os
import random

from locust import HttpUser, constant, task

URLS = os.environ["BENCH_URLS"].split()


class Visitor(HttpUser):
    wait_time = constant(0)

    @task
    def read_a_public_page(self):
        url = random.choice(URLS)  # noqa: S311 - picks a page, not a secret  # nosec B311
        self.client.get(url, name=url)
