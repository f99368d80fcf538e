"""The command line: scripted use of the same services the GUI uses."""
