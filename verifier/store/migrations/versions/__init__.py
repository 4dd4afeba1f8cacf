"""The verifier store's revisions, oldest first."""
