"""Donor reports: the narrative per language and the photos a user adds to the figures."""
