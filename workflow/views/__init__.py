"""The UI: task screens, task lists, documents and the org chart."""
