"""Presentation mode: decks of slides in the address (specs, parsing, request), their content (slides,
figures), the page (layout, form, slide_views, callbacks) and the links other pages offer (links)."""
