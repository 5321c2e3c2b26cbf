"""The noun language: reading YAML, checking it, and the definitions it yields."""
