"""Yearly targets of the zones (目标责任状), each on an indicator an app measures from the platform's own records."""
