"""The `danchu` command: Django's management commands under one name.

Multi-word commands are written with hyphens (`danchu seed-units`); they map to
the management command with underscores (`seed_units`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danchu.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "danchu"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: one line naming it, no traceback.
        print(f"danchu: cấu hình không hợp lệ / bad configuration: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
