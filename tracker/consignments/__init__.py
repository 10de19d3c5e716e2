"""Consignments of incoming aid: numbering, lines, valuation, the state machine, acceptance, import."""
