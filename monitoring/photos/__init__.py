"""The neighbourhood photo (wijkfoto) of an area at a date: its indicators with
benchmarks, peer group and trend, the context notes and the programme; kept and compared."""
