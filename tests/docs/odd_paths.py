#!/usr/bin/env python3
"""docs/ODD.md cites only files that exist in the repository.

Every `path` in backquotes that names a repository folder (models/, sim/,
core/, analysis/, tests/, scenarios/, docs/, scripts/) or a source, table or
scenario file must exist; a scenario named bare (`package.ini`) is looked for
in scenarios/.  Files outside the repository are written ../shared/... and
skipped.  Usage: odd_paths.py SOURCE_DIR
"""
import os
import re
import sys

root = sys.argv[1]
text = open(os.path.join(root, "docs", "ODD.md"), encoding="utf-8").read()
cited = set(re.findall(r"`([A-Za-z0-9_./-]+\.(?:c|h|def|ini|md|py|sh|csv))`", text))
missing = []
for path in sorted(cited):
    if path.startswith("../"):
        continue
    if any(os.path.exists(os.path.join(root, d, path)) for d in ("", "scenarios", "docs")):
        continue
    missing.append(path)
for path in missing:
    print("docs/ODD.md cites %s, which is not in the repository" % path)
sys.exit(1 if missing else 0)
