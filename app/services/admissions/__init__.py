"""Gate redemptions: a scan checked against the ticket, exactly once per nonce."""
