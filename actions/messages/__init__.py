"""What the actions say to people, in Brazilian Portuguese: one module per topic."""
