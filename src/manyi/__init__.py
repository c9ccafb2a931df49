"""manyi (满意): customer-satisfaction and service-quality feedback system."""

__version__ = "0.1.0.dev0"
