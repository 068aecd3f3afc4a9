"""The working-day calendar as data (State Council holiday notices, make-up workdays included) for every deadline."""
