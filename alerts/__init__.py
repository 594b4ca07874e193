"""The hub's alert rules and notifications."""
