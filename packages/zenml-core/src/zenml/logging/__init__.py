"""What steps print, kept with their runs (:mod:`zenml.logging.step_logging`)."""
