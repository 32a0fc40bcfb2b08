"""Loading stage: YAML files into typed models, with every problem located."""
