"""Reference data built from outside sources (the national list of administrative units)."""
