"""The floor's people: workers, their wages (hourly, never piece rates), skills, apprenticeships, and the time
they scan against bundles."""
