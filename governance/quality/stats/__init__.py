"""Statistics over count tables: agreement coefficients, chance-corrected kappas and alphas with
their variances, paired tests, consensus labels.
"""
