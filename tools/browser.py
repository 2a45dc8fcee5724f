"""The one Chromium harness that tools/ shares: headless system Chromium through playwright, offline, watched.

`check_docs.py`, `test_widget.py`, `check_jupyterlab.py` and `test_explore.py` use it. It launches the system
Chromium (`/usr/bin/chromium`, or $CHROME; never a browser that playwright downloads), and gives each check a
context that records every request its pages make, blocks (and records) every request to another host, and records
console errors and uncaught page errors, so that a check can fail on any of them.

    from browser import Browser, BrowserError       # tools/ is on sys.path when a tool in it runs
    with Browser() as b:                             # BrowserError (one line) if Chromium or playwright is missing
        s = b.session(viewport=(1280, 900))          # offline: only file:, data:, blob:, about: and localhost load
        page = s.open('_out/docs/01_model.html')     # a path or a URL; waits for the load event
        s.screenshot('_out/x.png')                   # the whole page (or `locator=...` for one element)
        s.requests, s.remote                         # every URL asked for; those to another host (blocked)
        s.console_errors, s.page_errors              # console.error messages; uncaught exceptions
        s.problems()                                 # one line for each remote request and page error (+ console)
        s.close()

`is_local(url)` says whether a URL stays on this machine. A session with `offline=False` lets remote requests
through, and still records them.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

CHROME = os.environ.get('CHROME') or '/usr/bin/chromium'
ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--hide-scrollbars']
LOCAL_SCHEMES = {'file', 'data', 'blob', 'about', 'chrome-error', 'devtools'}
LOCAL_HOSTS = {'localhost', '127.0.0.1', '::1'}

class BrowserError(Exception): "A setup problem (no Chromium, no playwright, a launch failure): one line"

def is_local(url):
    "Whether `url` stays on this machine: a file, data, blob or about URL, or a request to localhost"
    u = urlsplit(url)
    if u.scheme in LOCAL_SCHEMES or not u.scheme: return True
    return (u.hostname or '') in LOCAL_HOSTS or (u.hostname or '').endswith('.localhost')

def as_url(target):
    "A URL for `target`: a URL as it is, a path as a file: URL"
    t = str(target)
    return t if '://' in t or t.startswith(('data:', 'about:')) else Path(t).resolve().as_uri()

class Session:
    "A browser context and its pages, with every request, remote request, console error and page error recorded"
    def __init__(self, browser, viewport=(1280, 900), offline=True, console=True, timeout_ms=30000, **kw):
        self.requests, self.remote, self.console_errors, self.page_errors = [], [], [], []
        self.offline, self.console = offline, console
        self.ctx = browser.new_context(viewport={'width': viewport[0], 'height': viewport[1]}, **kw)
        self.ctx.set_default_timeout(timeout_ms)
        self.ctx.on('request', lambda r: self.requests.append(r.url))
        self.ctx.on('page', self._watch)
        if offline: self.ctx.route('**/*', self._route)
        self.page = None

    def _route(self, route):
        url = route.request.url
        if is_local(url): route.continue_()
        else: self.remote.append(url); route.abort('internetdisconnected')

    def _watch(self, page):
        page.on('pageerror', lambda e: self.page_errors.append(str(e)))
        page.on('console', lambda m: m.type == 'error' and self.console_errors.append(m.text))
        page.on('websocket', lambda ws: self.requests.append(ws.url) or (
            None if is_local(ws.url) else self.remote.append(ws.url)))
        if not self.offline:  # not blocked, still recorded
            page.on('request', lambda r: None if is_local(r.url) else self.remote.append(r.url))

    def new_page(self):
        "A new page in this session (the first one becomes `self.page`)"
        p = self.ctx.new_page()
        if self.page is None: self.page = p
        return p

    def open(self, target, wait_until='load', page=None, timeout_ms=None):
        "Go to `target` (a path or a URL) in `page` (default: the session's page, made on first use); return the page"
        page = page or self.page or self.new_page()
        page.goto(as_url(target), wait_until=wait_until, **({'timeout': timeout_ms} if timeout_ms else {}))
        return page

    def screenshot(self, path, page=None, locator=None, full_page=True):
        "Save a PNG of the whole page (or of `locator`'s element) to `path`; return the path"
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if locator is not None: locator.screenshot(path=str(path))
        else: (page or self.page).screenshot(path=str(path), full_page=full_page)
        return Path(path)

    def problems(self, console=None):
        "One line for each request to another host, each uncaught page error and (unless console=False) console error"
        out = [f'request to another host: {u}' for u in dict.fromkeys(self.remote)]
        out += [f'page error: {e}' for e in self.page_errors]
        if self.console if console is None else console:
            out += [f'console error: {e}' for e in self.console_errors if not _blocked_echo(e)]
        return out

    def close(self):
        try: self.ctx.close()
        except Exception: pass

def _blocked_echo(msg):
    "Chromium's console line for a request this harness blocked (already reported as a remote request)"
    return 'net::ERR_INTERNET_DISCONNECTED' in msg

class Browser:
    "Headless system Chromium through playwright: `with Browser() as b: s = b.session()`"
    def __init__(self, executable=CHROME, args=(), headless=True):
        self.executable, self.args, self.headless = executable, [*ARGS, *args], headless
        self.pw = self.browser = None

    def start(self):
        if not Path(self.executable).exists():
            raise BrowserError(f'{self.executable} not found: install chromium (apt-get install -y chromium), or set '
                               'CHROME to its path')
        try: from playwright.sync_api import sync_playwright
        except ImportError: raise BrowserError("playwright is not installed: pip install -e '.[dev]'") from None
        self.pw = sync_playwright().start()
        try: self.browser = self.pw.chromium.launch(executable_path=self.executable, args=self.args,
                                                    headless=self.headless)
        except Exception as e:
            self.pw.stop(); self.pw = None
            raise BrowserError(f'{self.executable} did not start: {str(e).strip().splitlines()[0][:300]}') from None
        return self

    def session(self, **kw):
        "A new watched context (see `Session`): viewport=(w, h), offline=True, console=True, timeout_ms, playwright's kw"
        return Session(self.browser, **kw)

    def close(self):
        try:
            if self.browser: self.browser.close()
        finally:
            if self.pw: self.pw.stop()
            self.pw = self.browser = None

    def __enter__(self): return self.start()
    def __exit__(self, *a): self.close()

def self_test():
    "A page that asks for a remote image and a remote script, throws, and logs an error: each must be recorded"
    import tempfile
    with tempfile.TemporaryDirectory(prefix='browser-selftest-') as d, Browser() as b:
        p = Path(d)/'p.html'
        p.write_text('<!doctype html><title>t</title><img src="https://example.com/a.png">'
                     '<script src="https://cdn.example.org/x.js"></script>'
                     '<script>console.error("boom"); throw new Error("thrown")</script><p>ok</p>')
        s = b.session(); s.open(p); s.page.wait_for_timeout(200)
        shot = s.screenshot(Path(d)/'p.png')
        probs, ok = s.problems(), True
        for want in 'https://example.com/a.png', 'https://cdn.example.org/x.js', 'thrown', 'boom':
            hit = any(want in m for m in probs); ok &= hit
            print(f'  {"ok" if hit else "WRONG":5} {want!r} {"recorded" if hit else "NOT recorded"}')
        hit = shot.stat().st_size > 0 and p.as_uri() in s.requests; ok &= hit
        print(f'  {"ok" if hit else "WRONG":5} screenshot and the local request recorded')
        s.close()
        s = b.session(); s.open(p.with_name('q.html') if p.with_name('q.html').write_text('<p>quiet</p>') else p)
        hit = not s.problems(); ok &= hit
        print(f'  {"ok" if hit else "WRONG":5} a quiet page has no problems: {s.problems()}')
        s.close()
    return ok

if __name__ == '__main__':
    import sys
    try: sys.exit(0 if self_test() else 1)
    except BrowserError as e: print(f'browser: error: {e}', file=sys.stderr); sys.exit(2)
