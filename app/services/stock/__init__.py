"""Ticket types, capacity and leases: what may be sold for a visit date, the one writer of stock counts, and the audit of stock that does not add up."""
