"""The bad-input campaign of issue 8, bounded for CI: 3,000 seeded bad requests over raw sockets
against a real `sparring serve`, across both partners and the control API, each followed by a
normal read. Zero 5xx, zero dropped connections, zero bad requests accepted, no data changed.
``bench/bad_input_campaign.py`` runs the full 10,000+ (figures in the README)."""

from __future__ import annotations

import pytest

from bad_input_campaign import run
from served import Served


@pytest.fixture(scope="module")
def server():
    served = Served("--seed", "0")
    yield served
    assert served.stop() == 0
    assert "Traceback" not in served.output, served.output[-3000:]


def test_three_thousand_bad_requests_get_4xx_and_change_nothing(server):
    summary = run(server.port, count=3000, seed=8)
    assert summary.ok, summary.text()
    assert summary.sent == sum(summary.statuses.values()) == 3000
    assert len(summary.kinds) == 17  # every input class was drawn
    assert set(summary.statuses) <= {400, 401, 404, 405, 408, 413, 415}
