"""Users, roles, departments and API tokens."""
