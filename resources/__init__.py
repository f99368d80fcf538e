"""Static assets loaded with importlib.resources: style, icons, sample-data word lists."""
