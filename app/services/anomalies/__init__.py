"""The anomaly queue: the sweep that raises time-based anomalies, the reader of the queue and the one-click fixes."""
