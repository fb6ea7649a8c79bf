"""A report's outline: its header and its sections."""
