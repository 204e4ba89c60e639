"""lianta: track an annual subdistrict work plan from the terminal."""

__version__ = "0.1.0"
