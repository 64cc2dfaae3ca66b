"""The API for BI tools: read-only JSON of the indicator values, per-user tokens issued by an admin, OpenAPI."""
