"""Users, their roles and the zones each of them may see."""
