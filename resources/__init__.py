"""Static assets loaded with importlib.resources: style, sample-data word lists."""
