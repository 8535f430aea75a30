"""Textual channel: kiosk (citizens), later staff and interpreter modes."""
