"""The mails a test's flows sent (Django's locmem outbox)."""

import re

from django.core import mail


def last_mail_to(address):
    sent = [message for message in mail.outbox if address in message.to]
    assert sent, f"no mail to {address}"
    return sent[-1]


def link_in(message, pattern):
    match = re.search(pattern, message.body)
    assert match, f"{pattern!r} not in:\n{message.body}"
    return match
