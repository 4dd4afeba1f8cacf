"""The verifier's store: presentation requests and their nonces (SQLAlchemy Core)."""

from verifier.store.requests import RequestState, RequestStore, StoredRequest, make_engine

__all__ = ["RequestState", "RequestStore", "StoredRequest", "make_engine"]
