"""tests/browser/cdp.py — a minimal Chrome DevTools Protocol client over a pipe.

Headless Chromium is started with --remote-debugging-pipe: it reads JSON
commands, each ended by a NUL byte, on its file descriptor 3 and writes
replies and events the same way on descriptor 4.  No network socket, no
third-party package: the standard library only, so the test runs offline on
a bare Debian with the `chromium` package.

    with Browser(chromium, user_data_dir) as b:
        s = b.open_page()                  # a new tab, attached (flat mode)
        b.call("Page.navigate", {"url": url}, s)
        b.wait_event("Page.loadEventFired", s)
        b.events                           # every event seen, in order
"""
import fcntl
import json
import os
import select
import subprocess
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


class CDPError(Exception):
    pass


def _high(fd):
    """fd moved to a number >= 10 (close-on-exec)."""
    h = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return h


class Browser:
    def __init__(self, binary, user_data_dir, timeout=60.0, log=None):
        self.timeout = timeout
        self.events = []
        self._buf = b""
        self._id = 0
        # the child's fd 3 reads our commands, its fd 4 carries the replies;
        # the child ends start above 10 so that wiring them cannot clobber
        cmd_r, self._cmd_w = (_high(fd) for fd in os.pipe())
        self._rep_r, rep_w = (_high(fd) for fd in os.pipe())

        def wire():
            os.dup2(cmd_r, 3)  # inheritable: survives exec
            os.dup2(rep_w, 4)

        args = [binary] + FLAGS + ["--user-data-dir=" + user_data_dir, "about:blank"]
        self.proc = subprocess.Popen(
            args, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(rep_w)

    # -- plumbing -------------------------------------------------------------

    def _send(self, msg):
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._cmd_w, data)
            data = data[n:]

    def _read_one(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for the browser")
            r, _, _ = select.select([self._rep_r], [], [], left)
            if not r:
                continue
            chunk = os.read(self._rep_r, 1 << 20)
            if not chunk:
                raise CDPError("the browser closed the pipe (exit %s)" % self.proc.poll())
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw.decode("utf-8"))

    def call(self, method, params=None, session=None, timeout=None):
        self._id += 1
        mid = self._id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._send(msg)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_one(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, session=None, timeout=None):
        for e in self.events:
            if e["method"] == method and (session is None or e.get("sessionId") == session):
                return e
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_one(deadline)
            if "method" in m:
                self.events.append(m)
                if m["method"] == method and (session is None or m.get("sessionId") == session):
                    return m

    def open_page(self):
        t = self.call("Target.createTarget", {"url": "about:blank"})
        a = self.call("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})
        return a["sessionId"]

    # -- life -----------------------------------------------------------------

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._cmd_w, self._rep_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
