#!/usr/bin/env python3
"""Build, check or serve The Ledger: ``python build.py --help``."""

import sys

from ledger.cli import main

if __name__ == "__main__":
    sys.exit(main())
