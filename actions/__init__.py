"""Thin Rasa custom actions over the `consultoria` core."""
