from credentials.cli import main

main()
