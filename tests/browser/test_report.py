#!/usr/bin/python3
"""tests/browser/test_report.py TROIKA DATA_DIR ARTEFACT_DIR

The comparison report as a person sees it.  Runs a small `troika compare`
(tests/data/compare: baseline and subsidy, 3 replicates, 60 days) with an
English report, rebuilds the Chinese one with `troika report`, then opens
each page in headless Chromium (Debian's `chromium`, driven through the
DevTools protocol over a pipe: tests/browser/cdp.py) and checks the
rendered page:

  - every key metric of compare.h5 has its chart, with one line and one
    95% band per scenario, each with every point, distinct line styles and
    a legend naming the scenarios;
  - every number of the table equals the one in compare.h5 (read with
    h5py), in its data-* attribute exactly and as shown once rounded;
  - the page is in the language asked for, opens with the summary;
  - no console message, no error, no request other than the page itself
    (the page also forbids every fetch with its Content-Security-Policy);
  - the print style sheet applies (two charts a row, nothing wider than
    A4) and it prints to PDF.

Screenshots (report_en.png, report_zh.png: the whole page; *_top.png: the
first screen), the PDFs and the pages are left in ARTEFACT_DIR.  Without
chromium the test is skipped (exit 77), except in CI (CI set) where it
fails.  Closes with the line "N passed, M failed".
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, CDPError  # noqa: E402
from checks import Checks, skip_or_fail  # noqa: E402

CHROMIUM = os.environ.get("TROIKA_CHROMIUM", "/usr/bin/chromium")
WIDTH = 1280

PROBE = r"""
(() => {
  const q = (s, e) => Array.from((e || document).querySelectorAll(s));
  const out = {
    lang: document.documentElement.lang,
    title: document.title,
    first: document.querySelector('main > section').id,
    headings: q('h2').map(h => h.textContent),
    findings: q('ul.findings li').map(l => l.textContent),
    resources: performance.getEntriesByType('resource').map(e => e.name),
    scripts: q('script').length,
    charts: [], cells: []
  };
  for (const svg of q('svg.chart')) {
    const r = svg.getBoundingClientRect();
    out.charts.push({
      metric: svg.dataset.metric, points: +svg.dataset.points,
      width: r.width, height: r.height,
      lines: q('path.line', svg).map(p => ({
        s: +p.dataset.scenario, d: p.getAttribute('d'), len: p.getTotalLength(),
        stroke: getComputedStyle(p).stroke, dash: p.getAttribute('stroke-dasharray') || ''})),
      bands: q('path.band', svg).map(p => {
        const b = p.getBBox();
        return {s: +p.dataset.scenario, d: p.getAttribute('d'), width: b.width};
      }),
      legend: q('g.legend text', svg).map(t => t.textContent)
    });
  }
  for (const td of q('td[data-stat]'))
    out.cells.push({m: td.dataset.metric, s: +td.dataset.scenario, stat: td.dataset.stat,
                    value: td.dataset.value, lo: td.dataset.lo, hi: td.dataset.hi,
                    scale: td.dataset.scale, dec: td.dataset.dec,
                    text: Array.from(td.childNodes).filter(n => !(n.classList && n.classList.contains('u')))
                              .map(n => n.textContent).join('').trim(),
                    unit: (td.querySelector('.u') || {textContent: ''}).textContent});
  return JSON.stringify(out);
})()
"""

PRINT_PROBE = r"""
JSON.stringify({
  columns: getComputedStyle(document.querySelector('.charts')).gridTemplateColumns.split(' ').length,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth
})
"""
A4_TEXT_WIDTH = 703  # CSS px between the 12 mm margins of A4 paper


def read_h5(path):
    import h5py
    with h5py.File(path, "r") as f:
        s = f["summary"]
        exp = {
            "kind": f.attrs["file_kind"],
            "metrics": [m.decode() if isinstance(m, bytes) else m for m in s["metric"].asstr()[()]],
            "scenarios": [m for m in s["scenario"].asstr()[()]],
            "units": [m for m in s["units"].asstr()[()]],
        }
        sc = f["scenarios"]
        exp["households"] = float(f["scenarios/0/city/households"][0, 0])
        exp["names_en"] = [sc[str(i)].attrs["name"] for i in range(len(exp["scenarios"]))]
        exp["names_zh"] = [sc[str(i)].attrs.get("name_zh") or sc[str(i)].attrs["name"]
                           for i in range(len(exp["scenarios"]))]
        for k in ("names_en", "names_zh"):
            exp[k] = [v.decode() if isinstance(v, bytes) else v for v in exp[k]]
        for k in ("mean", "ci_lo", "ci_hi", "diff", "diff_lo", "diff_hi", "diff_p", "clear"):
            exp[k] = s[k][()]
        return exp


def shown(v, scale, dec):
    """The number as the report shows it (U+2212 is read back as '-')."""
    t = "%.*f" % (dec, v * scale)
    if re.fullmatch(r"-0(\.0*)?", t):
        t = t[1:]
    return t


def plain(text):
    return text.replace("\u2212", "-")


def check_cells(page, exp, c, lang):
    sep = " 至 " if lang == "zh" else " to "
    mi = {m: k for k, m in enumerate(exp["metrics"])}
    seen = set()
    for cell in page["cells"]:
        k, s, stat = mi.get(cell["m"]), cell["s"], cell["stat"]
        where = "%s: %s of scenario %d" % (cell["m"], stat, s)
        if not c.ok(k is not None, where + ": metric not in compare.h5"):
            continue
        seen.add((k, s, stat))
        scale = float(cell.get("scale") or 1.0)
        # counts normalised: events a year per 1,000 households, backlogs per
        # 1,000 households, costs a year (analysis/compare.c's key-metric table)
        norm = {"complaints_new": 365e3 / exp["households"],
                "disputes_waiting": 1e3 / exp["households"], "secretary_cost": 365.0}
        if cell["m"] in norm and stat in ("mean", "diff"):
            c.ok(abs(scale - norm[cell["m"]]) <= 1e-12 * scale, where + ": scale %r" % scale)
        dec = int(cell.get("dec") or 0)
        text = plain(cell["text"])
        if stat == "diff":
            pp = {"en": " pp", "zh": " 个百分点"}[lang]
            c.ok(cell["unit"] == (pp if exp["units"][k] == "share" else ""),
                 where + ": unit after the difference %r" % cell["unit"])
        if stat in ("mean", "diff"):
            want = float(exp[stat][s][k])
            c.ok(float(cell["value"]) == want, where + ": %s != %r" % (cell["value"], want))
            c.ok(text == shown(want, scale, dec), where + ": shows %r, want %r"
                 % (text, shown(want, scale, dec)))
        elif stat in ("ci", "diff_ci"):
            lo_k, hi_k = ("ci_lo", "ci_hi") if stat == "ci" else ("diff_lo", "diff_hi")
            lo, hi = float(exp[lo_k][s][k]), float(exp[hi_k][s][k])
            c.ok(float(cell["lo"]) == lo and float(cell["hi"]) == hi,
                 where + ": %s..%s != %r..%r" % (cell["lo"], cell["hi"], lo, hi))
            want = shown(lo, scale, dec) + sep + shown(hi, scale, dec)
            c.ok(text == want, where + ": shows %r, want %r" % (text, want))
        elif stat == "p":
            p = float(exp["diff_p"][s][k])
            c.ok(float(cell["value"]) == p, where + ": %s != %r" % (cell["value"], p))
            c.ok(text == ("<0.001" if p < 0.001 else "%.3f" % p), where + ": shows " + text)
        elif stat == "clear":
            c.ok(int(cell["value"]) == int(exp["clear"][s][k]), where)
    for k in range(len(exp["metrics"])):
        for s in range(len(exp["scenarios"])):
            stats = ("mean", "ci") if s == 0 else ("mean", "ci", "diff", "diff_ci", "p", "clear")
            for stat in stats:
                c.ok((k, s, stat) in seen, "%s: no %s cell for scenario %d"
                     % (exp["metrics"][k], stat, s))


def npoints(d):
    return len(re.findall(r"[ML]", d))


def check_charts(page, exp, c, names):
    """One chart per metric: the paired difference of every scenario but
    the baseline, a line and a band each."""
    S = len(exp["scenarios"])
    c.ok(sorted(ch["metric"] for ch in page["charts"]) == sorted(exp["metrics"]),
         "one chart per key metric: %s" % [ch["metric"] for ch in page["charts"]])
    for ch in page["charts"]:
        m, n = ch["metric"], ch["points"]
        c.ok(ch["width"] > 300 and ch["height"] > 150, m + ": chart too small %r" % ch)
        c.ok(sorted(l["s"] for l in ch["lines"]) == list(range(1, S)), m + ": one line a scenario")
        c.ok(sorted(b["s"] for b in ch["bands"]) == list(range(1, S)), m + ": one band a scenario")
        for l in ch["lines"]:
            c.ok(n > 1 and npoints(l["d"]) == n, m + ": line %d has %d points, want %d"
                 % (l["s"], npoints(l["d"]), n))
            c.ok(l["len"] > 0, m + ": line %d has no length" % l["s"])
        for b in ch["bands"]:
            c.ok(npoints(b["d"]) == 2 * n, m + ": band %d has %d points" % (b["s"], npoints(b["d"])))
            c.ok(b["width"] > 300, m + ": band %d does not span the run" % b["s"])
        styles = {(l["stroke"], l["dash"]) for l in ch["lines"]}
        c.ok(len(styles) == S - 1, m + ": line styles are not distinct")
        dashes = {l["dash"] for l in ch["lines"]}
        c.ok(len(dashes) == S - 1, m + ": dash patterns are not distinct (greyscale)")
        c.ok(ch["legend"] == names[1:], m + ": legend %r" % ch["legend"])


def check_page(b, html, lang, exp, art, c):
    s = b.open_page()
    for dom in ("Page", "Runtime", "Log", "Network"):
        b.call(dom + ".enable", {}, s)
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False}, s)
    url = "file://" + os.path.abspath(html)
    b.call("Page.navigate", {"url": url}, s)
    b.wait_event("Page.loadEventFired", s)
    # the frame is done (after the load event): a page without scripts sends
    # nothing more, so no settling time is needed
    b.wait_event("Page.frameStoppedLoading", s)
    r = b.call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, s)
    page = json.loads(r["result"]["value"])

    c.ok(page["lang"] == ("zh-CN" if lang == "zh" else "en"), lang + ": lang is " + page["lang"])
    c.ok(page["first"] == "summary", lang + ": the page opens with " + page["first"])
    c.ok(page["scripts"] == 0, lang + ": the page has scripts")
    if lang == "en":
        c.ok(page["headings"][:3] == ["Summary", "Results", "Over time"],
             "en: headings %r" % page["headings"])
    else:
        cjk = re.compile(r"[\u4e00-\u9fff]")
        c.ok(all(cjk.search(h) for h in page["headings"]), "zh: headings %r" % page["headings"])
        c.ok(cjk.search(page["title"]) is not None, "zh: title " + page["title"])
    c.ok(len(page["findings"]) >= len(exp["scenarios"]) - 1, lang + ": no summary findings")
    check_charts(page, exp, c, exp["names_" + lang])
    check_cells(page, exp, c, lang)

    # nothing fetched, nothing said
    for e in b.events:
        if e.get("sessionId") != s:
            continue
        p = e.get("params", {})
        if e["method"] == "Network.requestWillBeSent":
            c.ok(p["request"]["url"] == url, lang + ": fetched " + p["request"]["url"])
        elif e["method"] == "Runtime.consoleAPICalled":
            c.ok(False, lang + ": console %s: %r" % (p.get("type"), p.get("args")))
        elif e["method"] == "Runtime.exceptionThrown":
            c.ok(False, lang + ": exception %r" % p.get("exceptionDetails"))
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            c.ok(False, lang + ": log %s: %s" % (p["entry"]["level"], p["entry"]["text"]))
    c.ok(page["resources"] == [], lang + ": resources loaded %r" % page["resources"])

    # screenshots: the first screen, and the whole page
    top = b.call("Page.captureScreenshot", {"format": "png"}, s)
    with open(os.path.join(art, "report_%s_top.png" % lang), "wb") as f:
        f.write(base64.b64decode(top["data"]))
    size = b.call("Page.getLayoutMetrics", {}, s)["cssContentSize"]
    full = b.call("Page.captureScreenshot",
                  {"format": "png", "captureBeyondViewport": True,
                   "clip": {"x": 0, "y": 0, "width": WIDTH, "height": size["height"],
                            "scale": 1}}, s)
    png = os.path.join(art, "report_%s.png" % lang)
    with open(png, "wb") as f:
        f.write(base64.b64decode(full["data"]))
    c.ok(os.path.getsize(png) > 20000, lang + ": screenshot too small")

    # print: two charts a row, and a PDF
    data = print_a4(b, s, lang, c)
    with open(os.path.join(art, "report_%s.pdf" % lang), "wb") as f:
        f.write(data)
    print("ok - %s: %d charts, %d table cells, %s" % (lang, len(page["charts"]),
                                                     len(page["cells"]), png))


def static_checks(html, c):
    with open(html, encoding="utf-8") as f:
        text = f.read()
    for bad in ("http:", "https:", "<script", "<link", "<img", "url(", "@import", "<iframe"):
        c.ok(bad not in text, "%s contains %r" % (html, bad))
    c.ok(len(text.encode()) < 3 << 20, "%s is larger than 3 MB" % html)


def print_a4(b, s, what, c):
    """Printed on A4: two charts a row, nothing wider than the paper; the PDF."""
    b.call("Emulation.setEmulatedMedia", {"media": "print"}, s)
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": A4_TEXT_WIDTH, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, s)
    pr = json.loads(b.call("Runtime.evaluate", {"expression": PRINT_PROBE,
                                                "returnByValue": True}, s)["result"]["value"])
    c.ok(pr["columns"] == 2, what + ": print layout has %r chart columns" % pr["columns"])
    c.ok(pr["overflow"] <= 0, what + ": printed on A4 the page is %d px too wide" % pr["overflow"])
    b.call("Emulation.setEmulatedMedia", {"media": ""}, s)
    b.call("Emulation.clearDeviceMetricsOverride", {}, s)
    pdf = base64.b64decode(b.call("Page.printToPDF", {"printBackground": False,
                                                      "preferCSSPageSize": True}, s,
                                  timeout=120)["data"])
    c.ok(pdf[:5] == b"%PDF-" and len(pdf) > 10000, what + ": no PDF")
    return pdf


def check_print(b, html, what, c):
    """The page in Chromium: nothing fetched, two charts a row and nothing
    wider than A4 when printed, and a PDF."""
    s = b.open_page()
    for dom in ("Page", "Runtime", "Network"):
        b.call(dom + ".enable", {}, s)
    url = "file://" + os.path.abspath(html)
    b.call("Page.navigate", {"url": url}, s)
    b.wait_event("Page.loadEventFired", s)
    print_a4(b, s, what, c)
    for e in b.events:
        if e.get("sessionId") == s and e["method"] == "Network.requestWillBeSent":
            c.ok(e["params"]["request"]["url"] == url,
                 what + ": fetched " + e["params"]["request"]["url"])


def check_run_report(troika, work, art, c):
    """troika report RUN.h5: the report of one run, checked against the run
    file (h5py): a row per key metric in the file, first- and last-year
    means of the ratio metrics as stored (shares x 100), both languages."""
    import h5py
    run = os.path.join(work, "run.h5")
    subprocess.run([troika, "run", "--days", "400", "--set", "city.compounds=20", "-o", run,
                    "--force"], check=True, stdout=subprocess.DEVNULL)
    for lang in ("en", "zh"):
        page = os.path.join(art, "run_%s.html" % lang)
        subprocess.run([troika, "report", run, "-o", page, "--lang", lang, "--force", "-q"],
                       check=True)
        static_checks(page, c)
        with open(page, encoding="utf-8") as f:
            text = f.read()
        c.ok(('lang="%s"' % ("zh-CN" if lang == "zh" else "en")) in text, "run report: lang")
        rows = dict(re.findall(r'<tr data-metric="([a-z_0-9]+)"><td>.*?</td><td class="num" '
                               r'data-value="([^"]+)">.*?<td class="num" data-value="([^"]+)"',
                               text) and [(m, (float(a), float(b))) for m, a, b in re.findall(
                                   r'<tr data-metric="([a-z_0-9]+)"><td>.*?</td><td class="num" '
                                   r'data-value="([^"]+)">.*?<td class="num" data-value="([^"]+)"',
                                   text)])
        c.ok(len(rows) >= 10, "run report %s: %d metric rows" % (lang, len(rows)))
        with h5py.File(run, "r") as f:
            for m, (first, last) in rows.items():
                d = f["city"][m]
                if d.attrs["kind"] not in (b"ratio", "ratio"):
                    continue
                y = d[()]
                sc = 100.0 if d.attrs.get("unit_text", d.attrs["units"]) in (b"share", "share") else 1.0
                c.ok(abs(first - y[:365].mean() * sc) < 1e-9 * max(1, abs(first)),
                     "run report %s: %s first year %r" % (lang, m, first))
                c.ok(abs(last - y[-365:].mean() * sc) < 1e-9 * max(1, abs(last)),
                     "run report %s: %s last year %r" % (lang, m, last))
        c.ok(text.count('<svg class="chart"') == len(rows), "run report %s: a chart a metric"
             % lang)
        c.ok('id="compounds"' in text and "data-group=\"0\"" in text,
             "run report %s: the compounds, old and other" % lang)
        with open(os.path.join(art, "chromium_run_%s.log" % lang), "w") as log:
            with Browser(CHROMIUM, os.path.join(work, "profile-run-" + lang), timeout=90,
                         log=log) as b:
                check_print(b, page, "run report " + lang, c)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    troika, data, art = sys.argv[1:4]
    if not os.access(CHROMIUM, os.X_OK):
        return skip_or_fail("chromium not found at %s (Debian package chromium: scripts/setup "
                            "deps)" % CHROMIUM)
    os.makedirs(art, exist_ok=True)
    work = tempfile.mkdtemp(prefix="troika-browser-")
    c = Checks()
    try:
        h5 = os.path.join(work, "compare.h5")
        pages = {"en": os.path.join(art, "report_en.html"),
                 "zh": os.path.join(art, "report_zh.html")}
        subprocess.run([troika, "compare", os.path.join(data, "baseline.ini"),
                        os.path.join(data, "subsidy.ini"), "--replicates", "3", "--days", "60",
                        "--threads", "2", "-o", h5, "--report", pages["en"], "--force", "-q"],
                       check=True)
        subprocess.run([troika, "report", h5, "-o", pages["zh"], "--lang", "zh", "--force",
                        "-q"], check=True)
        shutil.copy(h5, os.path.join(art, "compare.h5"))
        exp = read_h5(h5)
        c.ok(exp["kind"] == "troika-compare", "file_kind")
        check_run_report(troika, work, art, c)
        for lang, html in pages.items():
            static_checks(html, c)
            profile = os.path.join(work, "profile-" + lang)  # fresh for each page
            with open(os.path.join(art, "chromium_%s.log" % lang), "w") as log:
                with Browser(CHROMIUM, profile, timeout=90, log=log) as b:
                    check_page(b, html, lang, exp, art, c)
    except (CDPError, subprocess.CalledProcessError, OSError) as e:
        c.ok(False, "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
