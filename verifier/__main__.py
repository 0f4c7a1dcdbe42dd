from verifier.cli import app
from web_common.settings import run_command_line

run_command_line(app, "VERIFIER_")
