"""Who did it, as written in the timeline: user:NAME, device:ID, channel:NAME, provider:NAME."""


def user(name: str) -> str:
    return f"user:{name}"


def device(device_id: str) -> str:
    return f"device:{device_id}"


def channel(name: str) -> str:
    return f"channel:{name}"


def provider(name: str) -> str:
    return f"provider:{name}"


SYSTEM = "system"
