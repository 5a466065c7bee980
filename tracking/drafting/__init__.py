"""From a work report to a plan: the reader of the report and the draft staff review."""
