"""Persistence: SQLModel tables and one engine factory (SQLite by default, or PostgreSQL)."""
