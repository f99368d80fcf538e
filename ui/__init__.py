"""The Qt shell: widgets, item models, dialogs and read tasks over app.services."""
