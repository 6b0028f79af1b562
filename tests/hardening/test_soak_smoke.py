"""The soak script (tests/hardening/soak.py) runs: a few seconds of it, so it never rots.

The real soak (5 minutes at 100 req/s) is run by hand or by `make soak`; its figures are in
the hardening issue's closing note. Here only errors are asserted, never times.
"""

import json

from tests.hardening import soak


def test_a_short_soak_runs_without_errors(tmp_path):
    out = tmp_path / "soak.json"
    status = soak.main(["--duration", "4", "--rate", "25", "--threads", "4", "--json", str(out)])
    figures = json.loads(out.read_text())
    assert status == 0, figures["error_samples"]
    assert figures["errors"] == 0
    assert figures["requests"] >= 80
    assert figures["rss_start_mb"] > 0 and figures["rss_end_mb"] > 0
