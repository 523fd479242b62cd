"""yawyas: you are what you stream."""

__version__ = "0.1.0"
