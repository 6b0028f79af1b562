# Models arrive with the capability issue of this app.
