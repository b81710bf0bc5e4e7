"""Nothing reaches the network at run time: every socket connection except loopback is
blocked while the whole ask / show / check path runs from a fresh start."""
import socket

import pytest

from index.cli_common import PROJECT_CACHE

LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture()
def no_network(monkeypatch):
    attempts = []
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and host.startswith(LOOPBACK) or self.family == socket.AF_UNIX:
            return real_connect(self, address)
        attempts.append(address)
        raise OSError(f"network blocked in tests: {address}")

    def guarded_lookup(host, *args, **kwargs):
        if str(host).startswith(LOOPBACK):
            return real_lookup(host, *args, **kwargs)
        attempts.append(host)
        raise OSError(f"DNS blocked in tests: {host}")

    real_lookup = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: guarded(socket.socket(), address))
    return attempts


def test_ask_show_check_offline(no_network):
    from assistant.service import Assistant
    assistant = Assistant.open(None, None, None, PROJECT_CACHE, progress=False)
    answer = assistant.ask("发现间谍行为可以打什么电话举报？")
    assert answer.citations and not answer.refused
    assert assistant.show("重庆条例第八条")["article"] == 8
    from assistant.check import check_text
    report = check_text("《重庆市反间谍工作条例》第八条规定：“国家安全机关应当为举报人保密”。", assistant.corpus)
    assert report.to_json()["items"]
    assert no_network == []
