"""The ``mt5dash`` command line."""
