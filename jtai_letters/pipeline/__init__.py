"""From spec files to files on disk: checking, building, batches, the archive."""
