"""Settings: the user's preferences (preferences.py), how dates and names look by them
(formatting.py), and the dialog that changes them and looks after the data file (dialog.py)."""
