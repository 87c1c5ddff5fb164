"""Refunds by rule: quotes, requests and approvals, the window's cash refunds and payouts, and the providers that pay money back."""
