"""Read side: storage → statistics → report objects for pages, API and exports."""
