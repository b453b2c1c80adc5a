"""The HTTP boundary shared by screens and the API: input refused before any view runs,
and the one mapper from HTTP errors to a JSON answer or a styled page."""
