"""The issuer store's revisions, oldest first."""
