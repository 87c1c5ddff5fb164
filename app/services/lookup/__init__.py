"""Finding orders: the supervisor's search and the lookups of a window (ticket code, order number, phone, name)."""
