"""One module per ``styrdok`` subcommand."""
