"""Switching a provider: taxonomy mapping and the switching-cost model."""
