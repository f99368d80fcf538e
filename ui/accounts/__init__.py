"""The Accounts view: the companies contacts work for, their people, sub-accounts and
history (page.py), and the account editor (editor.py)."""
