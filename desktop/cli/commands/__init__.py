"""One module per subcommand. Each has `register(sub)`, which adds its parser and sets
`handler`; handlers import the services they need when they run, never at import time."""

# Command name -> module, in the order `--help` lists them. The parser imports only the
# module of the command being run (every module for --help or an unknown name).
COMMANDS = {
    "gui": "desktop.cli.commands.gui",
    "leads": "desktop.cli.commands.leads",
    "sequences": "desktop.cli.commands.sequences",
    "worker": "desktop.cli.commands.worker",
    "service": "desktop.cli.commands.service",
    "inbox": "desktop.cli.commands.inbox",
    "autoreply": "desktop.cli.commands.autoreply",
    "templates": "desktop.cli.commands.templates",
    "export": "desktop.cli.commands.export",
    "settings": "desktop.cli.commands.settings",
    "self-check": "desktop.cli.commands.self_check",
}
