"""The parts of the Ctrl+K quick search (ui/quick_search.py): matching and wording, the rows
model, and the delegate that paints them."""
