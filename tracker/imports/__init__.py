"""Parsers of partner files (packing lists) into checked, exact rows; no database work here."""
