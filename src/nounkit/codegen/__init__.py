"""What nounkit generates from the registry: JSON Schema files and Python source."""
