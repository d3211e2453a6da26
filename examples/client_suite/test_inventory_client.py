"""A client's test suite run against sparring: each test starts from freshly seeded InventoryPro
data in its worker's namespace, so it runs the same alone, in order, or under pytest -n 4."""

import pytest


def test_reads_a_seeded_customer(inventory):
    assert inventory.customer("ACME-CORP")["name"] == "Acme Corporation"


@pytest.mark.parametrize("n", range(12))
def test_writes_are_seen_only_by_this_test(inventory, sparring, n):
    short_id = f"NEW-{n}"
    assert inventory.customer(short_id) is None  # reset before the test: no earlier test's write
    inventory.save_customer(short_id, f"Customer {n}", f"c{n}@example.com")
    assert inventory.customer(short_id)["name"] == f"Customer {n}"
    assert len(inventory.customers(250)) == 49
    assert short_id in {c["shortID"] for c in sparring.state("inventorypro")["customers"]}


def test_discontinue_then_read(inventory):
    inventory.discontinue("BRIGHT-MFG")
    assert inventory.customer("BRIGHT-MFG")["active"] is False


def test_retries_a_slow_answer_then_a_rate_limit(inventory, sparring):
    """The partner is slow once (the client times out), then rate-limits once, then answers."""
    sparring.faults.add(partner="inventorypro", operation="getCustomer", latency_ms=1000, times=1)
    sparring.faults.add(partner="inventorypro", operation="getCustomer", status=429, retry_after=1, times=1)

    assert inventory.customer("ACME-CORP")["shortID"] == "ACME-CORP"

    calls = sparring.journal(operation="getCustomer")
    assert len(calls) == 3
    assert calls[0]["fault"].endswith("latency=1000")
    assert [c["status"] for c in calls[1:]] == [429, 200]
    assert calls[1]["outcome"] == "fault" and calls[2]["outcome"] == "accepted"


def test_gives_up_after_three_failures(inventory, sparring):
    sparring.faults.add(operation="listCustomers", status=503, retry_after=0, times=3)
    with pytest.raises(Exception):
        inventory.customers()
    assert [c["status"] for c in sparring.journal(operation="listCustomers")] == [503, 503, 503]


def test_sends_nothing_the_partner_would_refuse(inventory, sparring):
    inventory.save_customer("CLEAN", "Clean Ltd", "clean@example.com")
    inventory.customers(25)
    sparring.assert_no_deviations()
    assert all(e["outcome"] == "accepted" for e in sparring.journal())


def test_a_refused_request_is_visible_in_the_journal(inventory, sparring):
    response = inventory.request("GET", "/Customer/All", params={"pageSize": 100000})
    assert response.status_code == 400
    entry = sparring.entry(response)
    assert entry["outcome"] == "refused" and "pageSize" in str(entry["refused"])
