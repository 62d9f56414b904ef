"""``python -m graphcollapse`` runs the command line."""

import sys

from graphcollapse.cli import main

if __name__ == "__main__":
    sys.exit(main())
