"""The checks beyond types: the rule registry and each family of rules."""
