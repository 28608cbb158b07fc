"""`uvicorn webapp.server:app --factory`: the API built from the environment (one per process)."""

from fastapi import FastAPI

from pipeline.settings import Settings
from webapp.app import create_app


def app() -> FastAPI:
    return create_app(Settings())
