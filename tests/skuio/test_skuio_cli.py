"""SKU.io through the command line: its demo tokens as `sparring credentials` prints them."""

from __future__ import annotations

import json

from sparring.cli import main


def test_credentials_print_the_three_demo_tokens(capsys):
    assert main(["credentials", "skuio", "--json", "--base-url", "http://localhost:9000"]) == 0
    info = json.loads(capsys.readouterr().out)
    clients = {c["client_id"]: c for c in info["clients"]}
    assert clients["demo-poweruser"]["token"] == "1|skuio-demo-poweruser-token"
    assert "power-user" not in clients["demo-user"]["permissions"]
    assert "customers:write" not in clients["demo-readonly"]["permissions"]


def test_specs_lists_all_24_operations(capsys):
    assert main(["specs", "--partner", "skuio"]) == 0
    assert "24 operations" in capsys.readouterr().out
