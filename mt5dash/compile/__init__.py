"""Turn declarations into Grafana's objects and files, one module per kind."""
