"""Test helpers for projects that push to Grafana."""
