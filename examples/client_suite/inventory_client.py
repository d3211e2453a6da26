"""A small InventoryPro client, the kind of code a team tests against sparring: it authenticates
with client credentials and retries what the vendor says to retry (timeouts, 429 with Retry-After,
503), up to three attempts."""

from __future__ import annotations

import time

import httpx

RETRY_STATUSES = (429, 503)


class InventoryClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str, *, headers: dict | None = None,
                 timeout: float = 5.0, attempts: int = 3) -> None:
        self.http = httpx.Client(base_url=base_url, headers=headers or {}, timeout=timeout)
        self.credentials = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        self.attempts = attempts
        self._token: str | None = None

    def _auth(self) -> dict:
        if self._token is None:
            response = self.http.post("/Token", data=self.credentials)
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.http.request(method, path, headers=self._auth(), **kwargs)
            except httpx.TimeoutException:
                if attempt == self.attempts:
                    raise
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.attempts:
                time.sleep(float(response.headers.get("Retry-After", "0.1")))
                continue
            return response
        raise AssertionError("unreachable")

    def customer(self, short_id: str) -> dict | None:
        response = self.request("GET", f"/Customer/{short_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def save_customer(self, short_id: str, name: str, email: str) -> dict:
        response = self.request("POST", "/Customer", json={"shortID": short_id, "name": name, "email": email})
        response.raise_for_status()
        return response.json()

    def customers(self, page_size: int = 50) -> list[dict]:
        response = self.request("GET", "/Customer/All", params={"pageSize": page_size})
        response.raise_for_status()
        return response.json()["value"]

    def discontinue(self, short_id: str) -> None:
        self.request("DELETE", f"/Customer/{short_id}").raise_for_status()

    def close(self) -> None:
        self.http.close()
