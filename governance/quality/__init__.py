"""Delivery quality: deliveries read into count tables, the statistics over them, the checks
against SLA terms, and vendors compared over pilots and history.
"""
