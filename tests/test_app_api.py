"""The web app's API end to end: `python app.py` in a subprocess, driven by gradio_client.

`/ask` and `/show` must return the very JSON the CLI prints (`python -m assistant ask|show
--json`) for the same input; `/check` the checker's JSON; bad input a one-line error, no traceback.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOT_READY = "正在准备索引，请稍候…"
START_TIMEOUT = float(os.environ.get("REGQA_TEST_START_TIMEOUT", 90))  # index cached: ~15 s
ASKS = ["发现间谍行为可以打什么电话举报？", "涉密人员未经审批出境，单位应当怎么办？", "贵州办法第九条"]
SHOWS = ["重庆条例第十三条"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log_path: Path):
    """Start `python app.py` on a free port; return (process, url) once `/show` answers."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT
    client = None
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if client is None:
                urllib.request.urlopen(url, timeout=2).close()
                client = Client(url, verbose=False)
            client.predict("重庆条例第十三条", api_name="/show")
            return proc, url
        except AppError as exc:
            assert str(exc) == NOT_READY, f"unexpected error while starting: {exc}"
        except OSError:
            pass
        time.sleep(1)
    stop_app(proc)
    pytest.fail(f"app.py not ready within {START_TIMEOUT:.0f}s; log:\n" + log_path.read_text()[-3000:])


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cli_json(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "assistant", *args, "--json"], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def cli():
    """The CLI's JSON for every question and reference, two processes at a time."""
    jobs = [("ask", q) for q in ASKS] + [("show", r) for r in SHOWS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(lambda job: cli_json(*job), jobs)))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    proc, url = start_app(tmp_path_factory.mktemp("app") / "app.log")
    try:
        yield Client(url, verbose=False)
    finally:
        stop_app(proc)


def without_scores(answer: dict) -> dict:
    """The answer with its scores set aside: the same float may round differently per process."""
    return {**answer, **{k: [{**c, "score": None} for c in answer[k]] for k in ("citations", "related")}}


@pytest.mark.parametrize("question", ASKS)
def test_ask_matches_cli(client, cli, question):
    got, want = client.predict(question, api_name="/ask"), cli[("ask", question)]
    assert [(c["label"], c["quote"]) for c in got["citations"]] == \
           [(c["label"], c["quote"]) for c in want["citations"]]
    assert without_scores(got) == without_scores(want)
    for c_got, c_want in zip(got["citations"] + got["related"], want["citations"] + want["related"]):
        assert c_got["score"] == pytest.approx(c_want["score"], abs=2e-4)


def test_show_matches_cli(client, cli):
    for reference in SHOWS:
        assert client.predict(reference, api_name="/show") == cli[("show", reference)]


@pytest.mark.parametrize("endpoint, value, message", [
    ("/ask", "", "the question is empty"),
    ("/ask", "   \n ", "the question is empty"),
    ("/ask", "间" * 3000, "the limit is"),
    ("/show", "", "the question is empty"),
    ("/show", "随便看看", "no provision reference"),
    ("/show", "重庆条例第九十九条", "has no 第九十九条"),
    ("/check", "", "empty"),
])
def test_bad_input_is_one_clear_line(client, endpoint, value, message):
    with pytest.raises(AppError) as err:
        client.predict(value, api_name=endpoint)
    text = str(err.value)
    assert message in text and "Traceback" not in text and "\n" not in text.strip()


def test_check_matches_checker(client):
    text = ("根据重庆条例第十三条第二款，“涉密人员未经审批出境的，所在单位发现后应当及时向国家安全机关报告”。"
            "另依照《贵州省反间谍安全防范办法》第十六条，“任何单位和个人可以通过国家安全机关12339举报受理电话”举报。")
    try:
        from assistant.check import check_text
    except ModuleNotFoundError:
        with pytest.raises(AppError, match="引文核查暂不可用"):
            client.predict(text, api_name="/check")
        return
    from corpus import load_corpus
    got = client.predict(text, api_name="/check")
    assert got == json.loads(json.dumps(check_text(text, load_corpus()).to_json()))
    assert [item["status"] for item in got["items"]] == ["altered", "verified"]
