"""The benchmark's data set, built by job: people and clusters, scoring, pledges, awards, and the
second province's measured clusters. bench/generate.py calls them in order (see its docstring)."""
