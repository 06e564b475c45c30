"""pavedroad: risk zones for AI-written code and prompts."""

__version__ = "0.1.0"
