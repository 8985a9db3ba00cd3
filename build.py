#!/usr/bin/env python3
"""Command line of the SCP directory: `python build.py --help`."""

import sys

from directory.cli import main

if __name__ == "__main__":
    sys.exit(main())
