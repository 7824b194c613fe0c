"""Steps: typed Python functions whose inputs and outputs are stored as artifacts."""
