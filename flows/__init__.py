"""Prefect orchestration of the eventledger pipeline (tasks, retries, schedules)."""
