import os
import time

from chassis import heartbeat


def test_a_fresh_beat_is_alive_and_a_stale_or_missing_one_is_not(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(heartbeat, "HEARTBEAT_DIR", tmp_path)

    assert heartbeat.main(["relay"]) == 1
    assert "has not started" in capsys.readouterr().err

    heartbeat.beat("relay")
    assert heartbeat.main(["relay", "5"]) == 0

    old = time.time() - 120
    os.utime(tmp_path / "relay.alive", (old, old))
    assert heartbeat.main(["relay", "60"]) == 1
    assert "last beat 120 s ago" in capsys.readouterr().err
