"""Copy the browser builds the pages load out of node_modules into the vendor folder
(settings.SOUK_VENDOR_DIR, git-ignored), which static files serve as static/vendor/.

Only the files listed in FILES are copied, so nothing else of node_modules is ever served.
Fails, naming the file, when one is missing: run `npm ci` first (make does).

    python scripts/vendor.py [destination]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# node_modules path: name under static/vendor/. hls.js's light build plays HLS through Media
# Source Extensions (the stream page); it leaves out subtitles, alternate audio and DRM. Its
# source map goes along: the script names it, and collectstatic's hashing refuses a reference
# to a missing file.
FILES = {
    "hls.js/dist/hls.light.min.js": "hls.light.min.js",
    "hls.js/dist/hls.light.min.js.map": "hls.light.min.js.map",
}


def main() -> int:
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".local" / "vendor"
    destination.mkdir(parents=True, exist_ok=True)
    missing = []
    for source_path, name in FILES.items():
        source = ROOT / "node_modules" / source_path
        if not source.is_file():
            missing.append(str(source.relative_to(ROOT)))
            continue
        shutil.copyfile(source, destination / name)
    if missing:
        print("Missing files (run npm ci):\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
