"""gunicorn's settings, read from the working directory on every start (the Dockerfile's CMD and
`make bench` start gunicorn from the project root); command-line flags add to them.

Garbage collection: once a worker has loaded Django, everything loaded so far (modules, URL
patterns, templates, translations: a few hundred thousand objects that live as long as the
worker) is moved out of the collector's reach with gc.freeze(), so that a collection no longer
walks them; and the youngest generation is collected after GC_THRESHOLD allocations instead of
Python's 700, as one uncached page allocates tens of thousands of short-lived objects (the
figures are in README, "Scale and speed"). Reference counting still frees nearly everything at
once; the collector only has cycles left to find.
"""

import gc
import os

# Python's own thresholds are (700, 10, 10).
GC_THRESHOLD = (int(os.environ.get("GC_THRESHOLD", "50000")), 20, 20)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
