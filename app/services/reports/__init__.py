"""Reports on the central store (DESIGN.md §15): the day, the KPIs of a period, refund and
anomaly analytics. Reads only, each in one read transaction, the same SQLAlchemy Core on
PostgreSQL and SQLite; every formula is written in the docstring of its module.

Dates are the venue's local dates (`app.domain.venue.Venue`); money is what was paid or
refunded at instants inside the local day, whatever the visit date (`measures`)."""
