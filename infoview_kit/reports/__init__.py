"""Reports: papermill runs, charts, cohort, export, redaction."""
