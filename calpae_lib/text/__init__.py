"""1. The raw text: decoding, numbers read and written the French way, flattened lines, metadata, outline."""
