"""Rugzak issuer: the service and CLI an organisation runs to award Open Badges 3.0."""
