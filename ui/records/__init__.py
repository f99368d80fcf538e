"""What the dialogs that edit one record share: the frame with its banner and Save
(dialog_base.py), the loading, saving and conflict handling of the contact and account
editors (editor_base.py), the both-versions dialog a conflicting save opens
(conflict_base.py), and small pieces of their forms (form_parts.py)."""
