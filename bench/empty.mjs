// Imported by coldstart-child.mjs as the baseline: a module with nothing in it.
