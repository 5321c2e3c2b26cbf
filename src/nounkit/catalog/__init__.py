"""Handlers shipped with the customer catalog in ``nouns/``."""
