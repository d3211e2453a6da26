"""Find Customer Match: same name, same zip (as text, so 02134 keeps its zero), address1 at least
90 % similar. The similarity is rapidfuzz's normalised Indel ratio on case-folded text with
punctuation removed, so "123 Main St." and "123 Mian St" still match."""

from __future__ import annotations

from rapidfuzz import fuzz, utils

from sparring.engine.actions import Action
from sparring.engine.context import Call, Result
from sparring.partners.skuio.common import where
from sparring.partners.skuio.customers import norm

THRESHOLD = 90.0


def similarity(a: str | None, b: str | None) -> float:
    return fuzz.ratio(a or "", b or "", processor=utils.default_process)


def find_match(action: Action, call: Call) -> Result:
    ns, params = call.state, call.params
    name, zip_code, address1 = norm(params.get("name")), str(params.get("zip")).strip(), params.get("address1")
    best, best_score = None, 0.0
    for address in where(ns["addresses"], "zip", zip_code, sort="id", copy=False):
        customer = ns["customers"].get(address["customer_id"])
        if customer is None or norm(customer.get("name")) != name:
            continue
        score = similarity(address1, address.get("address1"))
        if score >= THRESHOLD and score > best_score:
            best, best_score = customer, score
    return Result(200, {"data": None if best is None else {**best, "match_score": round(best_score, 2)}})
