"""Contract terms as data: SLA terms checked by governance, and portability clauses."""
