"""A plugin that fails to import: ladder must list it as failed and keep serving."""
raise ImportError("this plugin is broken on purpose")
