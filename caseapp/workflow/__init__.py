"""The workflow engine: lifecycles declared as data, and the one function that changes a status."""
