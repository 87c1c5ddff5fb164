"""The 管理 screen (DESIGN.md §15): one module per tab, see admin_view."""
