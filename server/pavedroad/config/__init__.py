"""Zone configuration: model, YAML loading with positions, layering and schema checks."""
