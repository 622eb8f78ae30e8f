#!/usr/bin/env python3
"""Drives headless Chromium through the case board, as a support lead would, over the DevTools
protocol on a pipe (Python's standard library only: no driver, no network).

    board_browser.py BASE_URL USER PASSWORD CASE_ID [SCREENSHOT_DIR]

Signs in through the form, opens the queue and the case, reads what the page did with a hostile
mention (did any script run? did the attacker's mark reach the title?), acknowledges and resolves the
case with its buttons, and prints one JSON object with what it saw. With SCREENSHOT_DIR it saves
queue.png and case.png there. Exit status 0 when the browser ran, whatever it saw: the test judges.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not exe:
            raise SystemExit("board_browser: chromium not found; run Scripts/bootstrap --test")
        self.profile = tempfile.mkdtemp(prefix="earshot-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def wire():  # the DevTools pipe: Chromium reads fd 3, writes fd 4 (moved out of the way first)
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + self.profile, "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None
        self.console = []

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("method") == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(a.get("value", "")) for a in reply["params"].get("args", [])))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def wait_for_new_page(self, timeout=20):
        """After a click that navigates: the old document carried a marker; wait until a loaded page lacks it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                state = self.evaluate("window.__earshotOld === true ? 'old' : document.readyState")
            except RuntimeError:
                state = None
            if state == "complete":
                return
            time.sleep(0.05)
        raise TimeoutError("the page did not load")

    def navigate(self, url):
        self.evaluate("window.__earshotOld = true")
        self.call("Page.navigate", {"url": url})
        self.wait_for_new_page()

    def click(self, expression):
        """Clicks what `expression` finds (a real click: the form submits as a person's would)."""
        self.evaluate("window.__earshotOld = true")
        found = self.evaluate(f"(() => {{ const e = {expression}; if (!e) return false; e.click(); return true; }})()")
        if not found:
            raise RuntimeError("nothing to click: " + expression)
        self.wait_for_new_page()

    def screenshot(self, path):
        import base64
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def main():
    base, user, password, case_id = sys.argv[1:5]
    shots = sys.argv[5] if len(sys.argv) > 5 else None
    seen = {}
    b = Browser()
    try:
        b.open()
        b.navigate(base + "/login")
        b.evaluate(f"document.querySelector('input[name=username]').value = {json.dumps(user)};"
                   f"document.querySelector('input[name=password]').value = {json.dumps(password)};")
        b.click("document.querySelector('form.login button')")
        seen["after_login"] = b.evaluate("location.pathname")
        seen["queue_rows"] = b.evaluate("document.querySelectorAll('table.queue tbody tr').length")
        if shots:
            b.screenshot(os.path.join(shots, "queue.png"))
        b.navigate(f"{base}/cases/{case_id}")
        seen["case_path"] = b.evaluate("location.pathname")
        seen["title"] = b.evaluate("document.title")
        seen["pwned"] = b.evaluate("window.pwned === 1")
        seen["scripts"] = b.evaluate("document.scripts.length")
        seen["event_handlers"] = b.evaluate(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length")
        seen["javascript_links"] = b.evaluate(
            "[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length")
        seen["hostile_text_shown"] = b.evaluate("document.body.innerText.includes('<script>window.pwned=1</script>')")
        if shots:
            b.screenshot(os.path.join(shots, "case.png"))
        b.click("document.querySelector('form[action$=\"/ack\"] button')")
        seen["after_ack"] = b.evaluate("document.querySelector('.facts dd').innerText")
        b.evaluate("document.querySelector('form[action$=\"/resolve\"] input[name=note]').value = 'refunded, called the customer'")
        b.click("document.querySelector('form[action$=\"/resolve\"] button')")
        seen["after_resolve"] = b.evaluate("document.querySelector('.facts dd').innerText")
        seen["history"] = b.evaluate("[...document.querySelectorAll('.history li')].slice(-2).map(li => li.innerText)")
        seen["title_at_end"] = b.evaluate("document.title")
        seen["pwned_at_end"] = b.evaluate("window.pwned === 1")
        seen["console"] = b.console
    finally:
        b.close()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
