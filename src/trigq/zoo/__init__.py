"""Reference models: training configs (configs/) and committed trained weights (weights/)."""
