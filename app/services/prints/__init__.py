"""The window's print jobs and settings: the job list, reprints and the printer settings."""
