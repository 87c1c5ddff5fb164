"""数据看板 (DESIGN.md §15): the day at a glance, the KPIs of a period, refund and anomaly
analytics — read from the central store's reports, live with the changes feed."""
