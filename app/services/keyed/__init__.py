"""Requests a window or a client sends with an Idempotency-Key (a sale, a refund): the key checked, the work done once, a retry answered the same."""
