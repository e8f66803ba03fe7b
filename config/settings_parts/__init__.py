"""Parts of config/settings.py (the settings module), each read from the environment like the
rest: config.settings imports every one of them."""
