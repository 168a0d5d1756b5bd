"""The report: figures the annual report cites, its sentences, and exports people open in Excel."""
