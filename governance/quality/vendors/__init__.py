"""Vendors compared on measured quality: pilots side by side, history across deliveries, pre-
labelling evidence and the managed gold set.
"""
