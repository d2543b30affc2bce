"""One module per `drill` subcommand, each with `configure(parser)` and `run(args) -> int`.

Importing a command module must stay cheap (argparse only): heavy imports belong inside
`run`, so that `drill start` never pays for `drill reference`.
"""
