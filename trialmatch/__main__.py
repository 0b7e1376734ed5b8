"""`python -m trialmatch` runs the command line."""

from trialmatch.cli import main

main()
