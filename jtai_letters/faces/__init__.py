"""The ways people reach the tool besides the command line: the preview server, the new-spec skeleton."""
