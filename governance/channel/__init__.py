"""The annotators' channel: versioned guidelines, the calibration log, weekly reflection and the
insights drawn from them.
"""
