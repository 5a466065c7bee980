"""Open data: the read-only JSON and CSV API under /api/v1/ and its OpenAPI document."""
