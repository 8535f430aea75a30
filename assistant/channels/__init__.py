"""Channels: render the core's outputs and collect input. No flow logic lives here."""
