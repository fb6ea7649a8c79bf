"""Plain text: normalising, sentences, spans, numbers, dates and where a character is."""
