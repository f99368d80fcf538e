"""Groups: the page that lists them and their members, the dialogs behind Contact ▸ Add to
Group… and Contact ▸ Tag…, and the drag format contacts travel in between views."""
