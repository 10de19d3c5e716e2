"""The printable acts of the document pages (acceptance, distribution, write-off) as PDF."""
