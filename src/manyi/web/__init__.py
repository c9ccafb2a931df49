"""Server-rendered pages (thin): login and the home overview; dashboards come later."""
