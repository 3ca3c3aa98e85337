"""Provider scorecard: rubric, weighted totals, bands, gates, evaluator consensus, robustness."""
