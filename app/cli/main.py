COMMANDS = {}


def run_cli(a):
    return 0
