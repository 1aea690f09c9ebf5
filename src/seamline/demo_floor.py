"""Demo data of the floor's people and time: Alameda Street Sewing Co.'s workers, apprentices, a balanced
line, the week's schedule, a QC lot, and the reports."""
