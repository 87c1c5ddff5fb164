"""Pure rules of Menpiao: money, ids, catalog, lifecycle, inventory, timeline.

Standard library only (enforced by import-linter). Functions take values and return values:
no session, no clock, no I/O.
"""
