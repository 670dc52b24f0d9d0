"""``buddy-desk`` and ``python -m buddy_desk``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from buddy_desk.core.gc_pause import pause_for_start

    pause_for_start()  # before the imports: the command line resumes it (cli.main)
    from buddy_desk.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
