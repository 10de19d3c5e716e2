"""The books: chart of accounts, posting rules, journal, periods, trial balance."""
