"""Date-effective settings (legal thresholds) with defaults in code, editable by an admin."""
