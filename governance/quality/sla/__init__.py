"""A delivery checked against the contract's SLA terms: agreement, gold accuracy, QA, drift and
turnaround, each with a verdict and credits.
"""
