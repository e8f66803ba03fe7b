"""The providers' local sandboxes, started for the test session on free ports (real HTTP)."""

from __future__ import annotations

import json
import urllib.request

from billing.credentials import credentials_seal
from billing.models import ProviderAccount
from sandboxes.fib import CLIENTS, FibSandbox


class RunningSandbox:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.server = sandbox.serve("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def hook(self, path: str, payload: dict) -> dict:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_fib() -> RunningSandbox:
    return RunningSandbox(FibSandbox())


def fib_account_configure(sandbox: RunningSandbox) -> ProviderAccount:
    """The current marketplace takes FIB payments through ``sandbox``."""
    client_id, secret = next(iter(CLIENTS.items()))
    account, _ = ProviderAccount.objects.update_or_create(
        code="fib",
        defaults={
            "base_url": sandbox.url,
            "credentials_encrypted": credentials_seal(
                {"client_id": client_id, "client_secret": secret}
            ),
        },
    )
    return account
