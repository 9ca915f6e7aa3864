"""Data-quality suites (declarative JSON files) and the small GX runner."""
