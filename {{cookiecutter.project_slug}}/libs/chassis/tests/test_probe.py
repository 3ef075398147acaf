import socket

from chassis.probe import main


def test_probe_succeeds_against_a_live_service(live_server):
    assert main([f"{live_server.url}/health/live"]) == 0


def test_probe_fails_when_nothing_listens(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    assert main([f"http://127.0.0.1:{port}/health/live"]) == 1
    assert "Connection refused" in capsys.readouterr().err


def test_probe_fails_on_an_error_status(live_server):
    assert main([f"{live_server.url}/nowhere/"]) == 1


def test_probe_refuses_other_schemes(capsys):
    assert main(["file:///etc/passwd"]) == 2
    assert "only http and https" in capsys.readouterr().err
