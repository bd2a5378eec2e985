"""config_defaults: a setting of the plugin's own, which instance/config.py or LADDER_* may override."""
from ladder import hookimpl


@hookimpl
def config_defaults():
    return {"VOORBEELD_CONTACT": "speeltuin@voorbeeld.example"}
