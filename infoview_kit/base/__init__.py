"""Leaves: errors, paths, business days, natural keys, text helpers and validation.

They import nothing of the package above them.
"""
