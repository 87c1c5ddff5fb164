"""Use cases, one function each (DESIGN.md §1): shared by the window client and the central store.

Each public service takes a Session with no transaction open and a keyword `now`, runs
`with session.begin():` itself and returns a small frozen result record. Helpers that write
inside the caller's transaction (`timeline`, `outbox`, `print_queue`) say so.
"""
