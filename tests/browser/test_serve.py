#!/usr/bin/python3
"""tests/browser/test_serve.py TROIKA ARTEFACT_DIR

The reform explorer (`troika serve`) as a person uses it, in a real
browser: headless Chromium driven by Selenium (Debian's python3-selenium
and chromium-driver).  The server listens on a loopback port the kernel
chooses (--port 0; the port is read from the line it prints), on a small
district (20 compounds) so that runs are quick.  Every wait is for a state
(an attribute on the page, a line, a run's state), never a fixed time.

  - the page lists every lever of the parameter table (`troika params`);
  - pick two reforms, "both" (alone and together), 3 replicates, 60 days,
    run, wait for "done" and the report: every number of its table equals
    the one `troika compare` writes for the same scenarios and seeds;
  - switch to Chinese: the page and the report are in Chinese;
  - cancel a running job and a queued one: both end "cancelled";
  - malformed requests (bad fields, a lever out of range, garbage bytes,
    a body too large, a connection dropped half-way) get an error or
    nothing, and the server still answers and still runs a job after the
    browser that started it has gone;
  - the page loads nothing but from the server, and logs no error.

Screenshots (explorer_en.png, explorer_zh.png) are left in ARTEFACT_DIR.
Without selenium, chromium or chromedriver the test is skipped (77), except
in CI (CI set) where it fails.  Closes with "N passed, M failed".
"""
import csv
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, skip_or_fail  # noqa: E402

CHROMIUM = os.environ.get("TROIKA_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("TROIKA_CHROMEDRIVER", "/usr/bin/chromedriver")
SETS = ["city.compounds=20"]
DAYS = 60
REPS = 3
LEVERS = [("oc.secretary_share", "0.5"), ("rc.training", "0.8")]
WAIT = 300  # seconds: an upper bound on a state that should come much sooner


def start_server(troika, log):
    cmd = [troika, "serve", "--port", "0", "--threads", "2"]
    for s in SETS:
        cmd += ["--set", s]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    # wait for the line with the address (or the end of the process)
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 1.0)
        if r:
            line = p.stdout.readline()
            break
        if p.poll() is not None:
            break
    if "http://127.0.0.1:" not in line:
        p.kill()
        raise RuntimeError("troika serve printed %r" % line)
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    return p, port


class Http:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.port = port
        self.op = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def req(self, path, data=None, method=None):
        r = urllib.request.Request(self.base + path, data=data.encode() if data else None,
                                   method=method)
        try:
            with self.op.open(r, timeout=30) as f:
                return f.status, f.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def raw(self, payload, read=True):
        """Send bytes on a fresh connection; the answer (or b'')."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        try:
            if payload:
                s.sendall(payload)
            if not read:
                return b""
            s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                try:
                    b = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not b:
                    break
                out += b
            return out
        finally:
            s.close()


def wait_for(what, fn, timeout=WAIT):
    """Poll fn() until it returns a true value (a state, not a time)."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for " + what)
        time.sleep(0.2)


def runs(http):
    import json
    st, body = http.req("/api/runs")
    return {r["id"]: r for r in json.loads(body)["runs"]} if st == 200 else {}


def run_state(http, rid):
    r = runs(http).get(rid)
    return r["state"] if r else None


def expected_levers(troika):
    """The levers by `troika params` (mutable, implemented)."""
    out = subprocess.run([troika, "params", "--markdown"], capture_output=True, text=True,
                         check=True).stdout
    return out


def compare_reference(troika, work):
    """troika compare on the same scenarios and seeds: {(metric, s): row}."""
    base = os.path.join(work, "base.ini")
    with open(base, "w") as f:
        f.write("name = baseline\n")
    files = [base]
    groups = [[0], [1], [0, 1]]  # alone, alone, together (mode "both")
    for g, idx in enumerate(groups):
        path = os.path.join(work, "s%d.ini" % g)
        with open(path, "w") as f:
            f.write("extends = base.ini\nname = s%d\n" % g)
            for i in idx:
                key, val = LEVERS[i]
                f.write("\n[policy.reform_%d]\nday = 0\n%s = %s\n" % (i + 1, key, val))
        files.append(path)
    h5 = os.path.join(work, "ref.h5")
    out = os.path.join(work, "ref.csv")
    cmd = [troika, "compare"] + files + ["--replicates", str(REPS), "--days", str(DAYS),
                                         "--seed", "1", "--threads", "2", "-o", h5,
                                         "--csv", out, "-q", "--force"]
    for s in SETS:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    rows = {}
    with open(out) as f:
        rd = csv.DictReader(f)
        names = []
        for r in rd:
            if r["scenario"] not in names:
                names.append(r["scenario"])
            rows[(r["metric"], names.index(r["scenario"]))] = r
    return rows


def close(a, b):
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    troika, art = sys.argv[1:3]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return skip_or_fail("python3-selenium is not installed (scripts/setup deps)")
    for exe in (CHROMIUM, DRIVER):
        if not os.access(exe, os.X_OK):
            return skip_or_fail("%s not found (chromium, chromium-driver: scripts/setup deps)"
                                % exe)
    os.makedirs(art, exist_ok=True)
    work = tempfile.mkdtemp(prefix="troika-serve-test-")
    c = Checks()
    log = open(os.path.join(art, "serve.log"), "w")
    srv = driver = None
    try:
        srv, port = start_server(troika, log)
        http = Http(port)

        def browser():
            o = webdriver.ChromeOptions()
            o.binary_location = CHROMIUM
            for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
                      "--disable-dev-shm-usage", "--window-size=1280,1000",
                      "--no-proxy-server", "--user-data-dir=" + tempfile.mkdtemp(dir=work)):
                o.add_argument(a)
            o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
            d = webdriver.Chrome(service=Service(DRIVER), options=o)
            d.set_page_load_timeout(120)
            return d

        driver = browser()
        wait = WebDriverWait(driver, WAIT, poll_frequency=0.2)
        driver.get(http.base + "/")
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
        q = driver.find_elements

        # every lever of the parameter table, with both descriptions
        keys = [tr.get_attribute("data-key") for tr in q(By.CSS_SELECTOR, "#levers tbody tr")]
        params = expected_levers(troika)
        c.ok(len(keys) >= 10, "levers listed: %d" % len(keys))
        for key, _ in LEVERS:
            c.ok(key in keys, "lever %s listed" % key)
        for k in keys:
            c.ok("`%s`" % k in params, "lever %s is a parameter of troika params" % k)

        # the posterior: declared unavailable, with its reason, not faked
        c.ok(not driver.find_element(By.ID, "posterior").is_enabled(),
             "the posterior choice is disabled")
        c.ok(len(driver.find_element(By.ID, "posterior-note").text) > 40,
             "the posterior note says why")

        # choose: two reforms, alone and together, 3 replicates, 60 days
        days = driver.find_element(By.ID, "days")
        days.clear()
        days.send_keys(str(DAYS))
        driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", days)
        reps = driver.find_element(By.ID, "replicates")
        reps.clear()
        reps.send_keys(str(REPS))
        for key, val in LEVERS:
            row = driver.find_element(By.CSS_SELECTOR, '#levers tr[data-key="%s"]' % key)
            row.find_element(By.CSS_SELECTOR, "input.pick").click()
            inp = row.find_element(By.CSS_SELECTOR, "input.intensity")
            inp.clear()
            inp.send_keys(val)
            c.ok(row.find_element(By.CSS_SELECTOR, "select.year").get_attribute("value") == "1",
                 key + ": a 60-day run offers year 1 only")
        driver.find_element(By.CSS_SELECTOR, 'input[name=mode][value=both]').click()
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="1"][data-state="done"]')
                   or d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="1"][data-state="failed"]'))
        c.ok(run_state(http, 1) == "done", "run 1 done: %r" % runs(http).get(1))
        wait.until(lambda d: d.find_element(By.ID, "report").get_attribute("data-run") == "1")

        # the numbers of the report, against troika compare on the same seeds
        ref = compare_reference(troika, work)
        driver.switch_to.frame(driver.find_element(By.ID, "report"))
        cells = driver.execute_script(
            "return Array.from(document.querySelectorAll('td[data-stat]')).map(t => "
            "[t.dataset.metric, +t.dataset.scenario, t.dataset.stat, t.dataset.value || '', "
            "t.textContent.trim()])")
        report_lang = driver.execute_script("return document.documentElement.lang")
        report_height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.switch_to.default_content()
        frame_height = driver.execute_script("return document.getElementById('report').clientHeight")
        c.ok(frame_height >= report_height, "the report is shown whole (frame %d px, report %d px)"
             % (frame_height, report_height))
        c.ok(report_lang == "en", "the report is in English: " + report_lang)
        seen = 0
        for m, s, stat, value, text in cells:
            r = ref.get((m, s))
            if not c.ok(r is not None, "%s scenario %d is in troika compare's table" % (m, s)):
                continue
            if stat in ("mean", "diff"):
                seen += 1
                c.ok(close(float(value), float(r[stat])),
                     "%s scenario %d %s: page %s, compare %s" % (m, s, stat, value, r[stat]))
            if stat == "clear":
                c.ok(int(value) == int(r["clear"] in ("1", "yes", "true")),
                     "%s scenario %d: clear" % (m, s))
        nmet = len({k[0] for k in ref})
        c.ok(seen == nmet * 4 + nmet * 3, "mean and difference cells: %d of %d"
             % (seen, nmet * 7))
        driver.save_screenshot(os.path.join(art, "explorer_en.png"))

        # Chinese
        driver.find_element(By.ID, "lang-toggle").click()
        wait.until(lambda d: d.execute_script("return document.documentElement.lang") == "zh-CN")
        h = driver.find_element(By.CSS_SELECTOR, "header h1").text
        c.ok(any("\u4e00" <= ch <= "\u9fff" for ch in h), "zh: title " + h)
        doc = driver.find_element(By.CSS_SELECTOR,
                                  '#levers tr[data-key="%s"] td.doc' % LEVERS[0][0]).text
        c.ok(any("\u4e00" <= ch <= "\u9fff" for ch in doc), "zh: lever text " + doc)
        wait.until(lambda d: "lang=zh" in d.find_element(By.ID, "report").get_attribute("src")
                   and d.find_element(By.ID, "report").get_attribute("data-run") == "1")
        driver.switch_to.frame(driver.find_element(By.ID, "report"))
        zh = driver.execute_script("return [document.documentElement.lang, "
                                   "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)]")
        driver.switch_to.default_content()
        c.ok(zh[0] == "zh-CN" and all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in zh[1]),
             "zh: the report is in Chinese: %r" % zh)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(os.path.join(art, "explorer_zh.png"))
        driver.find_element(By.ID, "lang-toggle").click()

        # cancel: a long job (running) and one behind it (queued)
        for key, _ in LEVERS[1:]:
            driver.find_element(By.CSS_SELECTOR, '#levers tr[data-key="%s"] input.pick' % key).click()
        days.clear()
        days.send_keys("3650")
        driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", days)
        reps.clear()
        reps.send_keys("200")
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="2"]'))
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="3"][data-state="queued"]'))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="2"][data-state="running"]'))
        # the list is redrawn as runs progress: click in one step, inside the page
        click = "document.querySelector(arguments[0]).click()"
        driver.execute_script(click, '#runs tr[data-id="3"] button.cancel')
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="3"][data-state="cancelled"]'))
        driver.execute_script(click, '#runs tr[data-id="2"] button.cancel')
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="2"][data-state="cancelled"]'))
        c.ok(run_state(http, 2) == "cancelled" and run_state(http, 3) == "cancelled",
             "runs 2 and 3 cancelled")
        c.ok(http.req("/runs/2/compare.h5")[0] == 404, "a cancelled run has no compare file")

        # nothing from elsewhere, no error in the console
        urls = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        c.ok(all(u.startswith(http.base + "/") for u in urls), "loaded from elsewhere: %r" % urls)
        logs = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        c.ok(logs == [], "browser console: %r" % logs)

        # malformed requests; the server keeps answering
        bad = [
            ("lever=nonsense", 400), ("lever=oc.secretary_share:7:1", 400),
            ("lever=run.days:10:1", 400), ("lever=oc.secretary_share:0.5:99", 400),
            ("lever=oc.secretary_share:0.5:1&mode=sideways", 400),
            ("lever=oc.secretary_share:0.5:1&replicates=1", 400),
            ("lever=oc.secretary_share:0.5:1&scope=city", 400),
            ("lever=oc.secretary_share:0.5:1&bogus=1", 400), ("%%%%&&==", 400),
            ("lever=" + "x" * 9000, 413),
        ]
        for body, code in bad:
            st, msg = http.req("/api/runs", body)
            c.ok(st == code and b"error" in msg, "POST %r: %d %r" % (body[:40], st, msg[:80]))
        c.ok(http.req("/runs/99/report.html")[0] == 404, "unknown run: 404")
        c.ok(http.req("/runs/1/report.html?lang=xx")[0] == 400, "bad lang: 400")
        c.ok(http.req("/etc/passwd")[0] == 404, "no file outside the page")
        c.ok(http.req("/api/runs", method="DELETE")[0] == 405, "DELETE: 405")
        http.raw(b"\x00\xff garbage \r\n\r\n")
        http.raw(b"POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nlever=",
                 read=False)
        http.raw(b"")
        http.raw(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _ = http.req("/api/config")
        c.ok(st == 200, "the server still answers after malformed requests: %d" % st)

        # the browser goes away; the job it started still ends
        driver.find_element(By.CSS_SELECTOR, '#levers tr[data-key="%s"] input.pick'
                            % LEVERS[1][0]).click()
        days.clear()
        days.send_keys(str(DAYS))
        reps.clear()
        reps.send_keys(str(REPS))
        driver.find_element(By.ID, "run").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#runs tr[data-id="4"]'))
        driver.quit()
        driver = None
        wait_for("run 4", lambda: run_state(http, 4) in ("done", "failed"))
        c.ok(run_state(http, 4) == "done", "run 4 done after its browser closed")
        st, h5 = http.req("/runs/4/compare.h5")
        c.ok(st == 200 and h5[:8] == b"\x89HDF\r\n\x1a\n", "compare file downloads")
        st, page = http.req("/runs/4/report.html?lang=zh&download=1")
        c.ok(st == 200 and b'lang="zh-CN"' in page, "Chinese report downloads")
        for bad_text in (b"http:", b"https:", b"<script"):
            c.ok(bad_text not in page, "the report contains %r" % bad_text)
    except Exception as e:  # noqa: BLE001 -- any failure is one failed check
        c.ok(False, "%s: %s" % (type(e).__name__, e))
    finally:
        if driver:
            driver.quit()
        if srv:
            srv.send_signal(signal.SIGTERM)
            try:
                rc = srv.wait(timeout=120)
                c.ok(rc == 0, "troika serve stops cleanly on SIGTERM: %d" % rc)
            except subprocess.TimeoutExpired:
                srv.kill()
                c.ok(False, "troika serve did not stop on SIGTERM")
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
