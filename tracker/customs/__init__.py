"""Customs: declarations, document types and rules, documents with files, checklists, deadlines."""
