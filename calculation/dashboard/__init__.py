"""The council's dashboard (the council member's start page) and the council brief (raadsbrief) of
a fixed version: what the council reads before a debate, aggregated and disclosure-controlled."""
