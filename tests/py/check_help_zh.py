#!/usr/bin/env python3
"""Check the Chinese help table against the commands it translates.

    /usr/bin/python3 tests/py/check_help_zh.py TROIKA sim/cli_help_zh.def

For every command listed by `troika --help`: the options of `troika CMD
--help` (English) and the rows Z("CMD", "--option", ...) of the table are
the same set, the command has a summary row (option NULL), no row names a
command that does not exist, and `troika --lang zh CMD --help` shows every
option with a description containing Chinese, in lines of at most 78
display columns (a CJK character is two; the usage lines, unwrapped as in
English, excepted) unless one unbreakable run is longer.  Exit 0 with a summary line, 1 naming the first problem."""
import re
import subprocess
import sys
import unicodedata


def fail(msg):
    print(f"check_help_zh: {msg}", file=sys.stderr)
    sys.exit(1)


def run(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def cjk(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)


OPT = re.compile(r"^  (?:-\w, |    )(--[\w-]+)")


def option_lines(text):
    """The lines of the options block (after "Options:" or "选项：", up to -h, --help)."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l in ("Options:", "选项：")) + 1
    end = next(i for i, l in enumerate(lines) if l.startswith("  -h, --help"))
    return lines[start:end]


def options(text):
    """The option names of a help text, in order (not --help)."""
    return [m.group(1) for line in option_lines(text) if (m := OPT.match(line))]


def main(troika, table):
    text = open(table, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rows = re.findall(r'Z\("([^"]+)",\s*(NULL|"[^"]*")', text)
    keys = [(c, None if o == "NULL" else o.strip('"')) for c, o in rows]
    if len(keys) != len(set(keys)):
        fail(f"rows given twice: {sorted({k for k in keys if keys.count(k) > 1})}")
    top = run(troika, "--help")
    cmds = re.findall(r"^  ([a-z]+) ", top.split("Commands:")[1].split("\n\n")[0], flags=re.M)
    if len(cmds) < 10:
        fail(f"could not read the commands from `troika --help`: {cmds}")
    for c, o in keys:
        if c != "*" and c not in cmds:
            fail(f"row Z(\"{c}\", ...) names no command")
    nopts = 0
    for c in cmds:
        en = options(run(troika, c, "--help"))
        have = [o for k, o in keys if k == c and o]
        if (c, None) not in keys:
            fail(f"{c}: no summary row Z(\"{c}\", NULL, ...)")
        if sorted(en) != sorted(have):
            fail(f"{c}: options {sorted(set(en) - set(have))} have no Chinese text; rows "
                 f"{sorted(set(have) - set(en))} name no option")
        zh = run(troika, "--lang", "zh", c, "--help")
        body = zh.split("\n\n", 1)[1]  # the usage lines are not wrapped (as in English)
        for line in body.splitlines():
            if width(line) > 78 and " " in line.strip() and not cjk(line):
                fail(f"{c}: line wider than 78 columns: {line!r}")
            if width(line) > 78 and cjk(line):
                fail(f"{c}: Chinese line wider than 78 columns: {line!r}")
        # each option's description (its line and the indented ones after it) is Chinese
        lines = option_lines(zh)
        for i, line in enumerate(lines):
            m = OPT.match(line)
            if not m:
                continue
            desc = line[len(m.group(0)):]
            j = i + 1
            while j < len(lines) and lines[j].startswith("    ") and not OPT.match(lines[j]):
                desc += lines[j]
                j += 1
            if not cjk(desc):
                fail(f"{c} {m.group(1)}: no Chinese description: {desc.strip()!r}")
        nopts += len(en)
    print(f"check_help_zh: {len(cmds)} commands, {nopts} options, each with its Chinese text")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: check_help_zh.py TROIKA TABLE", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
