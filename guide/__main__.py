"""Regenerate the guide's generated parts: `python -m guide troubleshooting`, `python -m guide images`, or both."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    wanted = argv or ["troubleshooting", "images"]
    unknown = [name for name in wanted if name not in ("troubleshooting", "images")]
    if unknown:
        print(__doc__)
        return 2
    if "troubleshooting" in wanted:
        from guide.errors import write

        print(f"Wrote {write()}")
    if "images" in wanted:
        from guide.images import write_images

        for path in write_images():
            print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
