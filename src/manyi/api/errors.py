"""The JSON error shape ``{"ok": false, "error", "errors", "status"}``; the one handler
lives in :mod:`manyi.edge.errors` (shared with the pages) and is re-exported here."""

from __future__ import annotations

from manyi.edge.errors import error_body, install_error_handlers

__all__ = ["error_body", "install_error_handlers"]
