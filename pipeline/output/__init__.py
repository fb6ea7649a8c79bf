"""The tables, where they are stored, and what people read of them."""
