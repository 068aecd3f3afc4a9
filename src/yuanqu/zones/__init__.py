"""Development zones and their sub-parks."""
