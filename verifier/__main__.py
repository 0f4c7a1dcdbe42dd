from verifier.cli import app

app()
