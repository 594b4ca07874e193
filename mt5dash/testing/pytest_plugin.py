"""pytest fixtures of mt5dash.testing, loaded through the pytest11 entry point."""
