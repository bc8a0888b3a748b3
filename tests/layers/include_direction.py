#!/usr/bin/env python3
"""tests/layers/include_direction.py — every arrow points down.

The source folders are layers (README.md, Layout):

    core/       uses nothing of troika
    models/     uses core/
    analysis/   uses core/ (the model's parameter and metric tables are
                handed over at run time by sim/, as core/ptable.h and
                core/mtable.h types)
    sim/        uses everything below

Checks, for every .c, .h and .def file of the four folders:
  - each #include "..." names a file of its own folder (by name, or by a
    path relative to the including file) or of a folder it may use;
  - no include climbs or names a folder ("../x.h", "sim/x.h");
  - file names are unique across the folders (a plain name is enough);
and, in CMakeLists.txt, that the libraries troika_<folder> link only to
libraries they may use and that the link graph has no cycle.

Usage: include_direction.py SOURCE_DIR.  Exit 0 when all hold, 1 with one
line per violation otherwise.  include_direction.py --self-test checks the
checker on a small made-up tree: an analysis/ file that includes a header
of models/, or troika_analysis linking troika_models, must be refused.
"""
import os
import re
import sys

LAYERS = ["core", "models", "analysis", "sim"]
MAY_USE = {
    "core": {"core"},
    "models": {"models", "core"},
    "analysis": {"analysis", "core"},
    "sim": {"sim", "models", "analysis", "core"},
}
# No exceptions: a file that includes upward is a violation.
# Headers generated into the build folder by core's CMake (version, commit).
GENERATED = {"troika_version.h": "core"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root):
    for layer in LAYERS:
        top = os.path.join(root, layer)
        for d, _, files in os.walk(top):
            for f in files:
                if f.endswith((".c", ".h", ".def", ".h.in")):
                    yield layer, os.path.join(d, f)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    owner = {}  # file name -> layer (top-level files of each folder)
    for layer, path in sources(root):
        name = os.path.basename(path)
        if os.path.dirname(path) != os.path.join(root, layer):
            continue  # sub-tables (models/params/*.def) are named by path
        if name in owner and owner[name] != layer:
            bad.append(f"{layer}/{name}: the name is also {owner[name]}/{name}")
        owner.setdefault(name, layer)
    for name, layer in GENERATED.items():
        owner.setdefault(name, layer)

    for layer, path in sources(root):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel}:{line}: #include \"{inc}\""
            if inc.startswith("..") or "/../" in inc:
                bad.append(f"{where}: climbs out of its folder")
                continue
            if os.path.exists(os.path.join(os.path.dirname(path), inc)):
                continue  # its own folder (or a sub-folder of it)
            if "/" in inc:
                bad.append(f"{where}: names a folder; include by file name")
                continue
            target = owner.get(inc)
            if target is None:
                bad.append(f"{where}: no such file in {', '.join(LAYERS)}")
            elif target not in MAY_USE[layer]:
                bad.append(f"{where}: {layer}/ may not use {target}/")

    bad += check_cmake(os.path.join(root, "CMakeLists.txt"))
    for b in bad:
        print(b)
    print(f"include_direction: {len(bad)} violation(s)")
    return 1 if bad else 0


def check_cmake(path):
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"#[^\n]*", "", f.read())
    libs = set(re.findall(r"add_library\(\s*troika_(\w+)\s+STATIC", text))
    edges = {lib: set() for lib in libs}
    for m in re.finditer(r"target_link_libraries\(\s*troika_(\w+)([^)]*)\)", text):
        src = m.group(1)
        if src not in libs:
            continue
        for dst in re.findall(r"\btroika_(\w+)", m.group(2)):
            if dst in libs:
                edges[src].add(dst)
    bad = []
    for lib in sorted(libs):
        if lib not in MAY_USE:
            bad.append(f"CMakeLists.txt: troika_{lib} is not a layer ({', '.join(LAYERS)})")
            continue
        for dst in sorted(edges[lib]):
            if dst not in MAY_USE[lib]:
                bad.append(f"CMakeLists.txt: troika_{lib} links troika_{dst}, "
                           f"which {lib}/ may not use")
    # no cycle: depth-first search with colours
    colour = {lib: 0 for lib in libs}

    def visit(lib, stack):
        colour[lib] = 1
        for dst in sorted(edges[lib]):
            if dst == lib:
                continue
            if colour[dst] == 1:
                bad.append("CMakeLists.txt: link cycle " +
                           " -> ".join(f"troika_{x}" for x in stack + [lib, dst]))
            elif colour[dst] == 0:
                visit(dst, stack + [lib])
        colour[lib] = 2

    for lib in sorted(libs):
        if colour[lib] == 0:
            visit(lib, [])
    return bad


def self_test():
    import subprocess
    import tempfile
    files = {
        "core/err.h": "",
        "models/metrics.h": '#include "err.h"\n',
        "analysis/stats.c": '#include "err.h"\n',
        "sim/cli.c": '#include "metrics.h"\n#include "stats.h"\n',
        "analysis/stats.h": "",
        "CMakeLists.txt": "add_library(troika_analysis STATIC)\n"
                          "add_library(troika_models STATIC)\n"
                          "target_link_libraries(troika_analysis PUBLIC troika_core)\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)

        def run():
            return subprocess.run([sys.executable, __file__, root], capture_output=True,
                                  text=True)
        good = run()
        with open(os.path.join(root, "analysis/stats.c"), "a", encoding="utf-8") as f:
            f.write('#include "metrics.h"\n')
        bad = run()
        with open(os.path.join(root, "CMakeLists.txt"), "a", encoding="utf-8") as f:
            f.write("target_link_libraries(troika_analysis PUBLIC troika_models)\n")
        bad_link = run()
    ok = good.returncode == 0 and bad.returncode == 1 and \
        "analysis/stats.c:2: #include \"metrics.h\": analysis/ may not use models/" \
        in bad.stdout and bad_link.returncode == 1 and \
        "troika_analysis links troika_models" in bad_link.stdout
    print("include_direction self-test:", "ok" if ok else "FAILED")
    if not ok:
        print(good.stdout, bad.stdout, bad_link.stdout)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(self_test() if sys.argv[1:] == ["--self-test"] else main())
