"""JSON API under /api/v1 (thin: each route calls one service function)."""
