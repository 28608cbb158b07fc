"""The web side: the upload API now (`create_app`), the moderator pages later."""

from webapp.app import create_app

__all__ = ["create_app"]
