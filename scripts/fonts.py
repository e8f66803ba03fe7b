"""Copy the woff2 files themes serves out of node_modules/@fontsource into the fonts folder
(settings.SOUK_FONTS_DIR, git-ignored), which static files serve as static/fonts/.

Only the files themes.fonts.FONTS lists are copied (woff2, the subsets and weights each face
uses), so nothing else of node_modules is ever served. Fails, naming the file, when one is
missing: run `npm ci` first (make does).

    python scripts/fonts.py [destination]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from themes.fonts import FONTS

    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".local" / "fonts"
    destination.mkdir(parents=True, exist_ok=True)
    missing = []
    for font in FONTS.values():
        for _subset, _weight, path in font.files():
            name = path.removeprefix("fonts/")
            source = ROOT / "node_modules" / "@fontsource" / font.package / "files" / name
            if not source.is_file():
                missing.append(str(source.relative_to(ROOT)))
                continue
            shutil.copyfile(source, destination / name)
    if missing:
        print("Missing font files (run npm ci):\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
