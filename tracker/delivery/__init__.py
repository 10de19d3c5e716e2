"""Donor delivery: partners' report recipients and summary frequency, sending the donor summary
by e-mail (on demand and by the monthly job), signed download links, and the delivery log.

Modules: ``periods`` (report periods and their names), ``report`` (the PDF seam shared with the
donor report), ``mailer`` (SMTP), ``compose`` (subject and body in the recipient's language),
``links`` (signed download links), ``service`` (the rules; flushes only), ``runner`` (the
sending loop, which commits around every SMTP conversation), ``queries``, ``views``, ``api``.
"""
