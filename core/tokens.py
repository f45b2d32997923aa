import secrets


def new_token() -> str:
    """An unguessable URL-safe token (43 characters, 256 bits)."""
    return secrets.token_urlsafe(32)
