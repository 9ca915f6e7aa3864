"""DDL, views and the Parquet-to-DuckDB publish of the event warehouse."""
