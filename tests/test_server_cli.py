"""``kustavi-dcat serve`` as a command: options, errors and exit codes, and stopping on Ctrl-C."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kustavi_dcat.cli import main
from kustavi_dcat.pipeline import publish
from kustavi_dcat.web import serving
from tests.conftest import ROOT, SOURCE


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve") / "output"
    publish(SOURCE, out)
    return out


def test_serve_announces_where_it_listens_and_answers(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[tuple[int, str]] = []

    def one_request_then_stop(srv: Any) -> None:
        """Stands in for the serving loop: serves one real request on the bound socket, then stops."""
        background = serving.Background(srv)
        conn = http.client.HTTPConnection("127.0.0.1", serving.listening_on(srv)[1], timeout=10)
        conn.request("GET", "/catalog")
        response = conn.getresponse()
        response.read()
        answers.append((response.status, response.getheader("Content-Type") or ""))
        conn.close()
        background.stop()

    monkeypatch.setattr(serving, "serve_until_stopped", one_request_then_stop)
    result = CliRunner().invoke(main, ["serve", "--dir", str(published), "--port", "0", "--page-size", "5",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert re.search(r"at http://127\.0\.0\.1:\d+/ \((\d+) datasets, (\d+) page\(s\) of 5; SPARQL at /sparql\)",
                     result.output)
    assert result.output.rstrip().endswith("Stopped.")
    assert answers == [(200, "text/turtle; charset=utf-8")]


def test_serve_without_published_files_exits_4(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path), "--port", "0"])
    assert result.exit_code == 4
    assert "catalog.nt" in result.output and "kustavi-dcat publish" in result.output


@pytest.mark.parametrize("args", [["--page-size", "0"], ["--port", "70000"], ["--port", "x"],
                                  ["--public-url", "ftp://example.org/"]])
def test_serve_usage_errors_exit_2(published: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["serve", "--dir", str(published), *args])
    assert result.exit_code == 2, result.output


def test_serve_refuses_a_port_in_use(published: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        result = CliRunner().invoke(main, ["serve", "--dir", str(published), "--port", port])
    assert result.exit_code == 2 and "cannot listen" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly_on_ctrl_c_and_sigterm(published: Path, sig: signal.Signals) -> None:
    """The real command in its own process: serves, then exits 0 on the signal."""
    proc = subprocess.Popen([sys.executable, "-m", "kustavi_dcat", "serve", "--dir", str(published), "--port", "0",
                             "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        conn = http.client.HTTPConnection("127.0.0.1", int(found.group(1)), timeout=10)
        conn.request("HEAD", "/catalog.ttl")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err


def test_serve_prepare_builds_the_store_and_exits(published: Path, tmp_path: Path) -> None:
    """A deploy step after publish: the server's next start reuses the store."""
    result = CliRunner().invoke(main, ["serve", "--dir", str(published), "--store", str(tmp_path / "s"), "--prepare"])
    assert result.exit_code == 0, result.output
    found = re.search(r"ready in (\S+) \((\d+) triples\)", result.output)
    assert found and Path(found.group(1)).parent == tmp_path / "s" and int(found.group(2)) > 0
    again = CliRunner().invoke(main, ["serve", "--dir", str(published), "--store", str(tmp_path / "s"), "--prepare"])
    assert again.output == result.output
