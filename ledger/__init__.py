"""The Ledger: a static-site generator for a sourced historical record of AI."""

__version__ = "0.1.0"
