"""The public pages: a plan, its areas and targets, the year in review, their charts and
workbooks, the URL converters, and the cache that holds them until the data change."""
