"""Hostile tests: evil servers, races, hostile text and odd input (issue 9)."""
