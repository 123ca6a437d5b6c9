"""The command line's commands, one module each; `beritawatch.cli` only dispatches to them."""
