"""Reports: datasets (one per report) rendered as Excel workbooks and PDF documents.

``rows.py`` describes a report generically (meta, columns, sections of streamed rows);
``xlsx.py`` and ``pdf.py`` are pure builders that turn that description into bytes, with no
database or Flask inside (STYLE.md "Reports are pure builders").
"""
