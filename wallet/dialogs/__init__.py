"""Modal dialogs: errors, confirmations, file paths, backup and restore choices."""
