"""Fresh process: peak memory after loading the whole dossier list (``run_probe`` target)."""

from __future__ import annotations

import json
import resource
import sys

from buddy_desk.dossiers.service import load_summaries
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork


def main(url: str) -> None:
    rows = load_summaries(UnitOfWork(open_database(url, create=False)))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": len(rows), "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1])
