"""The curated knowledge base: load, validate, index, search, governance."""
