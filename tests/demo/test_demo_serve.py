"""`danchu demo` serves with the background worker beside the server, unless told not to."""

import io

import pytest

from danchu.demo.management.commands import demo as demo_command


class Started:
    pid = 4242


@pytest.fixture
def launched(monkeypatch):
    calls = {"popen": [], "serve": 0}

    def popen(argv, *args, **kwargs):
        calls["popen"].append(argv)
        return Started()

    def call_command(name, *args, **kwargs):
        if name == "serve":
            calls["serve"] += 1

    monkeypatch.setattr(demo_command.subprocess, "Popen", popen)
    monkeypatch.setattr(demo_command, "call_command", call_command)
    monkeypatch.setattr(demo_command, "seed_demo", lambda progress: None)
    monkeypatch.setattr(demo_command.Command, "write_summary", lambda self, summary: None)
    return calls


def run(*args) -> str:
    out = io.StringIO()
    command = demo_command.Command(stdout=out, stderr=io.StringIO())
    command.run_from_argv(["danchu", "demo", *args])
    return out.getvalue()


def test_the_worker_starts_beside_the_server(launched):
    output = run()
    (argv,) = launched["popen"]
    assert argv[1:] == ["-m", "danchu.cli", "worker"]
    assert launched["serve"] == 1
    assert "danchu worker" in output and "4242" in output


def test_no_worker_and_no_serve(launched):
    run("--no-worker")
    assert launched["popen"] == [] and launched["serve"] == 1
    run("--no-serve")
    assert launched["popen"] == [] and launched["serve"] == 1
