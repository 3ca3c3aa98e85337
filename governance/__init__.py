"""Governing deliveries: agreement and accuracy statistics, SLA checks, annotator channel, reports."""
