"""The HTTP edge shared by the JSON API (``manyi.api``) and the pages (``manyi.web``).

Both sides take their request dependencies from :mod:`manyi.edge.deps` and have their
errors rendered by the one handler of :mod:`manyi.edge.errors`, so neither imports the
other. The edge sits between the entry points and the services (import-linter's layers
contract) and, like every entry point, never imports ``manyi.storage``.
"""
