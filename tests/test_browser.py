"""The web chat in a real headless Chromium (Debian's `chromium`, driven by Playwright for Python).

Asks the hotline question and checks that citation labels and the highlighted 12339 are on
screen; that an injected `<img onerror>` / Markdown / `<script>` question runs and loads nothing
and is shown as typed; lookup, cross-references, the copy button, examples and follow-ups.
Screenshots go to test-artifacts/ (1280×800 and 390×844). Needs `apt-get install chromium
fonts-noto-cjk` (no `playwright install`); skipped only when /usr/bin/chromium is absent.
"""
import os
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_app_api import start_app, stop_app  # noqa: E402  (the same server launcher)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOTLINE = "发现间谍行为可以打什么电话举报？"
INJECTION = ("<img src=x onerror=alert(1)>测试 [点我](http://example.com/) "
             "![图](http://example.com/x.png) <script>alert(2)</script>")
SIZES = [(1280, 800), (390, 844)]
TIMEOUT = 60_000  # ms: one answer takes about a second; CI machines are slower

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"{CHROMIUM} absent: apt-get install -y chromium fonts-noto-cjk")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    proc, url = start_app(tmp_path_factory.mktemp("app") / "app.log")
    yield url
    stop_app(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, url):
    """open_page(w, h) -> page on the app, with `page.dialogs` and `page.outside` (non-local requests)."""
    contexts = []

    def open_(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.dialogs, page.outside = [], []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
                else page.outside.append(r.url))
        page.goto(url)
        page.locator("#status").get_by_text("已就绪").wait_for(timeout=TIMEOUT)
        return page
    yield open_
    for context in contexts:
        context.close()


def ask(page, question: str) -> None:
    """Type a question, press Enter, wait until its reply (answer, refusal or notice) is shown."""
    replies = page.locator("#chat .answer, #chat .refusal, #chat .notice")
    before = replies.count()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat .answer, #chat .refusal, #chat .notice')"
                           f".length > {before}", timeout=TIMEOUT)


def screenshot(page, name: str, full_page: bool = False) -> None:
    """Save test-artifacts/<name>.png with the page and the chat scrolled to their tops."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1000)  # let the chat finish its own scrolling to the newest message
    page.evaluate("""() => { window.scrollTo(0, 0);
        for (const el of document.querySelectorAll('#chat, #chat *'))
            if (el.scrollHeight > el.clientHeight + 4) el.scrollTop = 0; }""")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


@pytest.mark.parametrize("width, height", SIZES)
def test_answer_shows_labels_and_highlighted_quote(open_page, width, height):
    page = open_page(width, height)
    ask(page, HOTLINE)
    for label in ("《贵州省反间谍安全防范办法》第十六条", "《重庆市反间谍工作条例》第八条"):
        assert page.locator("#chat .cite-label").filter(has_text=label).first.is_visible()
        page.locator("#sources .src-label").filter(has_text=label).first.wait_for(timeout=TIMEOUT)
    mark = page.locator("#sources mark").filter(has_text="12339").first
    mark.wait_for(timeout=TIMEOUT)
    mark.scroll_into_view_if_needed()
    assert mark.is_visible()
    copy_box = page.locator("#sources textarea").first
    assert "12339" in copy_box.input_value() and copy_box.input_value().startswith("《")
    screenshot(page, f"answer-{width}x{height}")
    screenshot(page, f"answer-{width}x{height}-full", full_page=True)
    if width < 600:  # on a phone the sources follow the chat: show them too
        mark.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"sources-{width}x{height}.png"))
    assert page.dialogs == [] and page.outside == []


@pytest.mark.parametrize("width, height", SIZES)
def test_injected_markup_is_shown_literally_and_runs_nothing(open_page, width, height):
    page = open_page(width, height)
    ask(page, INJECTION)
    shown = page.locator("#chat .q-text").last
    assert shown.inner_text() == INJECTION
    page.fill("#lookup textarea", INJECTION)
    page.press("#lookup textarea", "Enter")
    page.locator("#lookup-result .notice").wait_for(timeout=TIMEOUT)
    assert "<img src=x" in page.locator("#lookup-result .notice").inner_text()
    page.wait_for_timeout(500)  # give any injected handler a chance to fire
    assert page.locator("img[src='x'], img[src*='example.com'], a[href*='example.com']").count() == 0
    assert page.locator("#chat script, #lookup-result script").count() == 0
    assert page.dialogs == [] and page.outside == []
    screenshot(page, f"injection-{width}x{height}")


def test_lookup_and_cross_reference(open_page):
    page = open_page()
    page.fill("#lookup textarea", "贵州办法第八条")
    page.press("#lookup textarea", "Enter")
    result = page.locator("#lookup-result .src-label")
    result.filter(has_text="《贵州省反间谍安全防范办法》第八条").wait_for(timeout=TIMEOUT)
    assert page.locator("#lookup-result .xref").filter(has_text="本办法第七条").is_visible()
    page.locator("#xref input").click()
    page.get_by_role("option", name="《贵州省反间谍安全防范办法》第七条").click()
    result.filter(has_text="《贵州省反间谍安全防范办法》第七条").wait_for(timeout=TIMEOUT)
    assert "承担本单位反间谍安全防范工作的主体责任" in page.locator("#lookup-result").inner_text()
    screenshot(page, "lookup-1280x800", full_page=True)


def test_copy_button_copies_citation_with_quote(open_page):
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ask(page, "贵州办法第十六条")
    page.locator("#sources mark").first.wait_for(timeout=TIMEOUT)
    page.locator("#source-cards label").filter(has_text="复制引文").first.get_by_role("button", name="Copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("《贵州省反间谍安全防范办法》第十六条：“") and "12339" in copied


def test_example_click_and_follow_up_question(open_page):
    page = open_page()
    replies = page.locator("#chat .answer, #chat .refusal, #chat .notice")
    page.get_by_text("涉密人员未经审批出境，单位应当怎么办？").first.click()
    page.locator("#chat .cite-label").filter(has_text="《重庆市反间谍工作条例》第十三条").first.wait_for(timeout=TIMEOUT)
    assert replies.count() == 1
    ask(page, "那第五条呢？")  # no document named: the previous answer's document is meant
    assert page.locator("#chat .answer").last.locator(".cite-label").first.inner_text() == \
        "《重庆市反间谍工作条例》第五条"


def test_document_filter_limits_the_answer(open_page):
    page = open_page()
    page.locator("#doc-filter input").click()
    page.get_by_role("option", name="重庆市反间谍工作条例").click()
    ask(page, HOTLINE)
    labels = page.locator("#chat .answer .cite-label, #chat .refusal ~ .related .cite-label").all_inner_texts()
    assert labels and all(label.startswith("《重庆市反间谍工作条例》") for label in labels)


def test_english_question_gets_english_framing_around_chinese_quotes(open_page):
    page = open_page()
    ask(page, "Who do I report spies to?")
    page.locator("#chat .doc-title").filter(has_text="Under 《").first.wait_for(timeout=TIMEOUT)
    assert page.locator("#chat .cite-label").first.inner_text().startswith("《")
    page.locator("#sources .src-head").filter(has_text="Cited provisions").wait_for(timeout=TIMEOUT)
    ask(page, "Who won the chess championship?")
    page.locator("#chat .refusal").filter(has_text="Not answered").last.wait_for(timeout=TIMEOUT)
    screenshot(page, "english-1280x800")
    assert page.dialogs == [] and page.outside == []
