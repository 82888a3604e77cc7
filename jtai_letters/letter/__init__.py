"""The letter: templates, the sandbox, filters, the renderer, text, labels and the house style."""
