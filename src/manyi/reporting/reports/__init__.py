"""Weekly and monthly reports (HTML and PDF), their schedules and e-mail (docs/reports.md)."""
