"""Selling at a window and through channels, payment callbacks and unpaid-order expiry."""
