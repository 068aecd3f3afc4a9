"""What the service app declares to the rest of the platform (yuanqu.core.registry)."""


def register() -> None:
    pass
