"""The hub's dashboards."""
