"""Guided flows: YAML definitions, load-time validation and a pure state machine."""
