"""The spec: YAML with positions, office profiles, the models, languages, the schema."""
