"""Enterprises, the land they use and their yearly figures."""
