"""yuanqu (园区): steer development zones by their projects, land and yield per mu."""

__version__ = "0.1.0"
